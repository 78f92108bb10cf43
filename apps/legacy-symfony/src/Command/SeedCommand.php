<?php

namespace App\Command;

use App\Security\User;
use Doctrine\DBAL\Connection;
use Symfony\Component\Console\Attribute\AsCommand;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Input\InputOption;
use Symfony\Component\Console\Output\OutputInterface;
use Symfony\Component\PasswordHasher\Hasher\UserPasswordHasherInterface;

/**
 * Users and a catalog, deterministic from --seed: admin@example.test (id 1, ROLE_ADMIN) and
 * customer@example.test (id 2), then user<N>@example.test, all with the password "password";
 * 14 categories; products (about 10 % out of stock). Refuses a database that already has products
 * (--if-empty: then it does nothing, for bin/serve).
 */
#[AsCommand(name: 'app:seed', description: 'Seed users, categories and products (deterministic)')]
final class SeedCommand extends Command
{
    public const PASSWORD = 'password';
    private const CATEGORIES = ['Books', 'Toys', 'Garden', 'Kitchen', 'Music', 'Games', 'Tools', 'Sports', 'Outdoor', 'Office', 'Health', 'Beauty', 'Pets', 'Baby'];
    private const ADJECTIVES = ['Red', 'Blue', 'Green', 'Small', 'Large', 'Classic', 'Modern', 'Vintage', 'Deluxe', 'Compact', 'Smart', 'Quiet', 'Rapid', 'Solid', 'Soft'];
    private const NOUNS = ['Lamp', 'Chair', 'Mug', 'Kettle', 'Ball', 'Puzzle', 'Hammer', 'Notebook', 'Speaker', 'Blanket', 'Bottle', 'Brush', 'Kite', 'Backpack', 'Clock'];

    public function __construct(private readonly Connection $connection, private readonly UserPasswordHasherInterface $hasher)
    {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->addOption('seed', null, InputOption::VALUE_REQUIRED, 'random seed', getenv('SEED') ?: '42')
            ->addOption('products', null, InputOption::VALUE_REQUIRED, 'number of products', getenv('SEED_PRODUCTS') ?: '500')
            ->addOption('users', null, InputOption::VALUE_REQUIRED, 'number of users (admin and customer included)', getenv('SEED_USERS') ?: '20')
            ->addOption('if-empty', null, InputOption::VALUE_NONE, 'do nothing (and succeed) when the database already has products');
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        $numbers = [];
        foreach (['seed' => 0, 'products' => 0, 'users' => 2] as $name => $min) {
            $value = filter_var($input->getOption($name), FILTER_VALIDATE_INT);
            if ($value === false || $value < $min) {
                $output->writeln("<error>--{$name} must be a whole number of at least {$min}.</error>");

                return Command::INVALID;
            }
            $numbers[$name] = $value;
        }
        if ((int) $this->connection->fetchOne('SELECT COUNT(*) FROM products') > 0) {
            if ($input->getOption('if-empty')) {
                return Command::SUCCESS;
            }
            $output->writeln('<error>The database already has products: seeding again would duplicate them. Use an empty database (or --if-empty).</error>');

            return Command::FAILURE;
        }

        $now = gmdate('Y-m-d H:i:s');
        // One hash for every seeded user: hashing is slow on purpose, and they share the password anyway.
        $hash = $this->hasher->hashPassword(new User(0, 'seed@example.test', 'seed', '', false), self::PASSWORD);
        $this->connection->transactional(function (Connection $c) use ($numbers, $now, $hash): void {
            $users = [];
            for ($i = 1; $i <= $numbers['users']; ++$i) {
                [$email, $name] = match ($i) {
                    1 => ['admin@example.test', 'Ada Admin'],
                    2 => ['customer@example.test', 'Carl Customer'],
                    default => ["user{$i}@example.test", "User {$i}"],
                };
                $users[] = [$i, $name, $email, $hash, $i === 1 ? 1 : 0, $now, $now];
            }
            $this->insert($c, 'users', ['id', 'name', 'email', 'password', 'is_admin', 'created_at', 'updated_at'], $users);

            $categories = [];
            foreach (self::CATEGORIES as $i => $name) {
                $categories[] = [$i + 1, $name, strtolower($name), $now, $now];
            }
            $this->insert($c, 'categories', ['id', 'name', 'slug', 'created_at', 'updated_at'], $categories);

            mt_srand($numbers['seed']);
            $products = [];
            for ($i = 1; $i <= $numbers['products']; ++$i) {
                $name = self::ADJECTIVES[mt_rand(0, count(self::ADJECTIVES) - 1)].' '.self::NOUNS[mt_rand(0, count(self::NOUNS) - 1)];
                $category = mt_rand(1, count(self::CATEGORIES));
                $products[] = [
                    $i, $category, sprintf('SKU-%05d', $i), $name, strtolower(str_replace(' ', '-', $name)),
                    "{$name} from our ".self::CATEGORIES[$category - 1].' range.', mt_rand(199, 49999), 'USD',
                    mt_rand(1, 10) === 1 ? 0 : mt_rand(1, 200), 0, $now, $now,
                ];
            }
            $this->insert($c, 'products', ['id', 'category_id', 'sku', 'name', 'slug', 'description', 'price_cents', 'currency', 'stock', 'popularity', 'created_at', 'updated_at'], $products);
        });
        $this->resetSequences(['users', 'categories', 'products']);
        $output->writeln(sprintf('Seeded %d users, %d categories, %d products (seed %d).', $numbers['users'], count(self::CATEGORIES), $numbers['products'], $numbers['seed']));

        return Command::SUCCESS;
    }

    /** @param list<list<mixed>> $rows */
    private function insert(Connection $c, string $table, array $columns, array $rows): void
    {
        foreach (array_chunk($rows, 200) as $chunk) {
            $row = '('.implode(', ', array_fill(0, count($columns), '?')).')';
            $c->executeStatement(
                "INSERT INTO {$table} (".implode(', ', $columns).') VALUES '.implode(', ', array_fill(0, count($chunk), $row)),
                array_merge(...$chunk),
            );
        }
    }

    /** PostgreSQL's sequences do not move on explicit ids: set them past the seeded rows. */
    private function resetSequences(array $tables): void
    {
        if (! $this->connection->getDatabasePlatform() instanceof \Doctrine\DBAL\Platforms\PostgreSQLPlatform) {
            return;
        }
        foreach ($tables as $table) {
            $this->connection->executeQuery("SELECT setval(pg_get_serial_sequence('{$table}', 'id'), (SELECT MAX(id) FROM {$table}))")->free();
        }
    }
}
