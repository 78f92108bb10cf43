<?php

namespace App\Security;

use Doctrine\DBAL\Connection;
use Symfony\Component\Security\Core\Exception\UnsupportedUserException;
use Symfony\Component\Security\Core\Exception\UserNotFoundException;
use Symfony\Component\Security\Core\User\PasswordAuthenticatedUserInterface;
use Symfony\Component\Security\Core\User\PasswordUpgraderInterface;
use Symfony\Component\Security\Core\User\UserInterface;
use Symfony\Component\Security\Core\User\UserProviderInterface;

/** Users from the users table by email, with DBAL (what DoctrineBundle's "entity" provider would do). */
final class DbalUserProvider implements UserProviderInterface, PasswordUpgraderInterface
{
    public function __construct(private readonly Connection $connection)
    {
    }

    public function loadUserByIdentifier(string $identifier): UserInterface
    {
        $row = $this->connection->fetchAssociative('SELECT id, email, name, password, is_admin FROM users WHERE email = ?', [$identifier]);
        if ($row === false) {
            $e = new UserNotFoundException(sprintf('No user "%s".', $identifier));
            $e->setUserIdentifier($identifier);
            throw $e;
        }

        return User::fromRow($row);
    }

    /** @deprecated since Symfony 5.3, kept for UserProviderInterface in 5.4 */
    public function loadUserByUsername(string $username): UserInterface
    {
        return $this->loadUserByIdentifier($username);
    }

    public function refreshUser(UserInterface $user): UserInterface
    {
        if (! $user instanceof User) {
            throw new UnsupportedUserException(sprintf('Unsupported user class "%s".', get_class($user)));
        }
        $row = $this->connection->fetchAssociative('SELECT id, email, name, password, is_admin FROM users WHERE id = ?', [$user->getId()]);
        if ($row === false) {
            $e = new UserNotFoundException(sprintf('User %d no longer exists.', $user->getId()));
            $e->setUserIdentifier($user->getUserIdentifier());
            throw $e;
        }

        return User::fromRow($row);
    }

    public function supportsClass(string $class): bool
    {
        return $class === User::class;
    }

    /** Rehashes on login when the cost changed (Symfony calls it after a successful password check). */
    public function upgradePassword(PasswordAuthenticatedUserInterface $user, string $newHashedPassword): void
    {
        if ($user instanceof User) {
            $this->connection->update('users', ['password' => $newHashedPassword, 'updated_at' => gmdate('Y-m-d H:i:s')], ['id' => $user->getId()]);
            // Else the next request's refreshUser() sees another hash than the token's user and logs the session out.
            $user->setPassword($newHashedPassword);
        }
    }
}
