<?php

namespace App\Controller;

use App\Message\SendWelcomeEmail;
use App\Security\User;
use Doctrine\DBAL\Connection;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Exception\BadRequestHttpException;
use Symfony\Component\Messenger\MessageBusInterface;

/** /{_locale}/account (ROLE_USER, security.yaml access_control): the user's page and "send the welcome mail again". */
final class AccountController extends AbstractController
{
    public function __construct(private readonly Connection $connection, private readonly MessageBusInterface $bus)
    {
    }

    public function show(): Response
    {
        $user = $this->getUser();
        \assert($user instanceof User);
        $emails = $this->connection->fetchAllAssociative('SELECT kind, subject, sent_at FROM sent_emails WHERE user_id = ? ORDER BY id', [$user->getId()]);

        return $this->render('account/show.html.twig', ['user' => $user, 'emails' => $emails]);
    }

    public function resendWelcome(Request $request): Response
    {
        if (! $this->isCsrfTokenValid('welcome_email', (string) $request->request->get('_csrf_token'))) {
            throw new BadRequestHttpException('Invalid CSRF token (field _csrf_token, token id welcome_email).');
        }
        $user = $this->getUser();
        \assert($user instanceof User);
        $this->bus->dispatch(new SendWelcomeEmail($user->getId(), $request->getLocale()));
        $this->addFlash('notice', 'The welcome mail is on its way.');

        return $this->redirectToRoute('account', ['_locale' => $request->getLocale()]);
    }
}
