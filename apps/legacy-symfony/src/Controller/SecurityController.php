<?php

namespace App\Controller;

use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\Security\Http\Authentication\AuthenticationUtils;

/** GET /login shows the form; POST /login is handled by the firewall's form_login (CSRF token id "authenticate"). */
final class SecurityController extends AbstractController
{
    public function login(AuthenticationUtils $authenticationUtils): Response
    {
        if ($this->getUser() !== null) {
            return $this->redirectToRoute('account', ['_locale' => 'en']);
        }
        $error = $authenticationUtils->getLastAuthenticationError();

        return $this->render('security/login.html.twig', [
            'last_username' => $authenticationUtils->getLastUsername(),
            'error' => $error?->getMessageKey(),
        ], new Response(null, $error !== null ? Response::HTTP_UNPROCESSABLE_ENTITY : Response::HTTP_OK));
    }

    public function logout(): never
    {
        throw new \LogicException('The firewall handles /logout (security.yaml, firewalls.main.logout).');
    }
}
