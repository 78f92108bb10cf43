<?php

namespace App\Security;

use Symfony\Component\Security\Core\User\EquatableInterface;
use Symfony\Component\Security\Core\User\PasswordAuthenticatedUserInterface;
use Symfony\Component\Security\Core\User\UserInterface;

/**
 * A row of the users table (the same columns as the Laravel app's). Serialized with the security
 * token into the session (_security_main): plain private properties, nothing else.
 */
final class User implements UserInterface, PasswordAuthenticatedUserInterface, EquatableInterface
{
    public function __construct(
        private int $id,
        private string $email,
        private string $name,
        private string $password,
        private bool $isAdmin,
    ) {
    }

    /** @param array<string,mixed> $row */
    public static function fromRow(array $row): self
    {
        return new self((int) $row['id'], (string) $row['email'], (string) $row['name'], (string) $row['password'], (bool) $row['is_admin']);
    }

    public function getId(): int
    {
        return $this->id;
    }

    public function getEmail(): string
    {
        return $this->email;
    }

    public function getName(): string
    {
        return $this->name;
    }

    public function isAdmin(): bool
    {
        return $this->isAdmin;
    }

    public function getUserIdentifier(): string
    {
        return $this->email;
    }

    /** @deprecated since Symfony 5.3, kept for UserInterface in 5.4 */
    public function getUsername(): string
    {
        return $this->email;
    }

    public function getRoles(): array
    {
        return $this->isAdmin ? ['ROLE_USER', 'ROLE_ADMIN'] : ['ROLE_USER'];
    }

    public function getPassword(): string
    {
        return $this->password;
    }

    /** Only for DbalUserProvider::upgradePassword(): the token's user must carry the hash now stored. */
    public function setPassword(string $hash): void
    {
        $this->password = $hash;
    }

    public function getSalt(): ?string
    {
        return null;
    }

    public function eraseCredentials(): void
    {
    }

    /** A changed password or role logs the session out (Symfony compares on every refresh). */
    public function isEqualTo(UserInterface $user): bool
    {
        return $user instanceof self && $user->id === $this->id && $user->email === $this->email
            && $user->password === $this->password && $user->isAdmin === $this->isAdmin;
    }
}
