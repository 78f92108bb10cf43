<?php

namespace App\Controller;

use App\Security\User;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\JsonResponse;

/**
 * GET /_offramp/whoami: the remote-auth endpoint the gateway asks with the caller's cookie, the
 * same contract as the Laravel app's: 200 {"id","email","name","is_admin","roles"} or 401 {"message"}.
 * roles are the Laravel app's names (admin, customer), not Symfony's ROLE_*.
 */
final class WhoamiController extends AbstractController
{
    public function __invoke(): JsonResponse
    {
        $user = $this->getUser();
        if (! $user instanceof User) {
            return new JsonResponse(['message' => 'Unauthenticated.'], 401, ['Cache-Control' => 'no-store, private']);
        }

        return new JsonResponse([
            'id' => $user->getId(),
            'email' => $user->getEmail(),
            'name' => $user->getName(),
            'is_admin' => $user->isAdmin(),
            'roles' => $user->isAdmin() ? ['admin', 'customer'] : ['customer'],
        ], 200, ['Cache-Control' => 'no-store, private']);
    }
}
