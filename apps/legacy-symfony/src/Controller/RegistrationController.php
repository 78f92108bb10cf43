<?php

namespace App\Controller;

use App\Message\SendWelcomeEmail;
use App\Security\User;
use Doctrine\DBAL\Connection;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\Messenger\MessageBusInterface;
use Symfony\Component\PasswordHasher\Hasher\UserPasswordHasherInterface;

/**
 * GET/POST /register: creates a user and queues SendWelcomeEmail on the async (Doctrine) transport
 * in the same transaction, so a rolled-back registration sends no mail.
 */
final class RegistrationController extends AbstractController
{
    public function __construct(
        private readonly Connection $connection,
        private readonly UserPasswordHasherInterface $hasher,
        private readonly MessageBusInterface $bus,
    ) {
    }

    public function register(Request $request): Response
    {
        if (! $request->isMethod('POST')) {
            return $this->render('security/register.html.twig', ['errors' => [], 'values' => []]);
        }
        $values = ['email' => trim((string) $request->request->get('email', '')), 'name' => trim((string) $request->request->get('name', ''))];
        $password = (string) $request->request->get('password', '');
        $errors = [];
        if (! $this->isCsrfTokenValid('register', (string) $request->request->get('_csrf_token'))) {
            $errors['_csrf_token'] = 'The form expired, please try again.';
        }
        if (! filter_var($values['email'], FILTER_VALIDATE_EMAIL) || strlen($values['email']) > 255) {
            $errors['email'] = 'A valid email address is required.';
        }
        if ($values['name'] === '' || mb_strlen($values['name']) > 255) {
            $errors['name'] = 'A name is required.';
        }
        if (strlen($password) < 8) {
            $errors['password'] = 'The password needs at least 8 characters.';
        }
        if (! isset($errors['email']) && $this->connection->fetchOne('SELECT 1 FROM users WHERE email = ?', [$values['email']]) !== false) {
            $errors['email'] = 'This email address is already registered.';
        }
        if ($errors !== []) {
            return $this->render('security/register.html.twig', ['errors' => $errors, 'values' => $values], new Response(null, Response::HTTP_UNPROCESSABLE_ENTITY));
        }

        $this->connection->transactional(function (Connection $connection) use ($values, $password, $request): void {
            $now = gmdate('Y-m-d H:i:s');
            $hash = $this->hasher->hashPassword(new User(0, $values['email'], $values['name'], '', false), $password);
            $connection->insert('users', ['name' => $values['name'], 'email' => $values['email'], 'password' => $hash, 'is_admin' => 0, 'created_at' => $now, 'updated_at' => $now]);
            $id = (int) $connection->lastInsertId();
            $this->bus->dispatch(new SendWelcomeEmail($id, $request->getPreferredLanguage(['en', 'fr']) ?? 'en'));
        });
        $this->addFlash('notice', 'Welcome! You can log in now.');

        return $this->redirectToRoute('login');
    }
}
