<?php

namespace App\Command;

use App\Database\ConnectionFactory;
use App\Offramp\Outbox;
use Doctrine\DBAL\Connection;
use Doctrine\DBAL\Platforms\AbstractMySQLPlatform;
use Doctrine\DBAL\Platforms\PostgreSQLPlatform;
use Doctrine\DBAL\Platforms\SqlitePlatform;
use Doctrine\DBAL\Schema\Schema;
use Doctrine\DBAL\Schema\Table;
use Symfony\Component\Console\Attribute\AsCommand;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\ArrayInput;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\NullOutput;
use Symfony\Component\Console\Output\OutputInterface;
use Symfony\Component\HttpFoundation\Session\Storage\Handler\PdoSessionHandler;

/**
 * Creates the tables that are missing; a second run changes nothing. The shop's tables have the
 * Laravel app's names and columns (users, categories, products, offramp_outbox), so Offramp's
 * slices and relay read either app's database the same way. Also: sent_emails, the Messenger table
 * messenger_messages (through messenger:setup-transports) and the PdoSessionHandler table.
 */
#[AsCommand(name: 'app:migrate', description: 'Create the missing tables (idempotent)')]
final class MigrateCommand extends Command
{
    public function __construct(private readonly Connection $connection, private readonly string $sessionTable)
    {
        parent::__construct();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        $platform = $this->connection->getDatabasePlatform();
        if ($platform instanceof SqlitePlatform) {
            // The Node services use the same file: WAL lets readers and one writer work at once.
            $this->connection->executeQuery('PRAGMA journal_mode = WAL')->free();
        }
        $manager = $this->connection->createSchemaManager();
        $created = [];
        foreach ($this->tables($platform) as $table) {
            if ($manager->tablesExist([$table->getName()])) {
                continue;
            }
            foreach ($platform->getCreateTableSQL($table) as $sql) {
                $this->connection->executeStatement($sql);
            }
            $created[] = $table->getName();
        }
        // The outbox of an app that copied it before trace_context existed (the Laravel app's second migration).
        $columns = array_map(static fn ($c) => strtolower($c->getName()), $manager->listTableColumns(Outbox::TABLE));
        if (! in_array('trace_context', $columns, true)) {
            $this->connection->executeStatement('ALTER TABLE '.Outbox::TABLE.' ADD trace_context VARCHAR(1024) NULL');
            $created[] = Outbox::TABLE.'.trace_context';
        }
        if (! $manager->tablesExist([$this->sessionTable])) {
            [$dsn, $user, $password] = ConnectionFactory::pdoDsn($this->connection->getParams());
            (new PdoSessionHandler($dsn, ['db_table' => $this->sessionTable, 'db_username' => $user, 'db_password' => $password]))->createTable();
            $created[] = $this->sessionTable;
        }
        // messenger_messages, as Symfony's Doctrine transport defines it.
        $hadMessages = $manager->tablesExist(['messenger_messages']);
        $setup = $this->getApplication()?->find('messenger:setup-transports');
        if ($setup === null || $setup->run(new ArrayInput([]), $output->isVerbose() ? $output : new NullOutput()) !== 0) {
            $output->writeln('<error>messenger:setup-transports failed</error>');

            return Command::FAILURE;
        }

        if (! $hadMessages) {
            $created[] = 'messenger_messages';
        }
        $output->writeln($created === [] ? 'Nothing to migrate.' : 'Created: '.implode(', ', $created));

        return Command::SUCCESS;
    }

    /** @return list<Table> */
    private function tables(object $platform): array
    {
        // Microsecond timestamps, as the Laravel app's dateTime('…', 6).
        $micro = match (true) {
            $platform instanceof AbstractMySQLPlatform => 'DATETIME(6)',
            $platform instanceof PostgreSQLPlatform => 'TIMESTAMP(6) WITHOUT TIME ZONE',
            default => 'DATETIME',
        };
        $schema = new Schema();

        $users = $schema->createTable('users');
        $users->addColumn('id', 'bigint', ['autoincrement' => true, 'unsigned' => true]);
        $users->addColumn('name', 'string', ['length' => 255]);
        $users->addColumn('email', 'string', ['length' => 255]);
        $users->addColumn('email_verified_at', 'datetime', ['notnull' => false]);
        $users->addColumn('password', 'string', ['length' => 255]);
        $users->addColumn('is_admin', 'boolean', ['default' => false]);
        $users->addColumn('remember_token', 'string', ['length' => 100, 'notnull' => false]);
        $users->addColumn('created_at', 'datetime', ['notnull' => false]);
        $users->addColumn('updated_at', 'datetime', ['notnull' => false]);
        $users->setPrimaryKey(['id']);
        $users->addUniqueIndex(['email'], 'users_email_unique');

        $categories = $schema->createTable('categories');
        $categories->addColumn('id', 'bigint', ['autoincrement' => true, 'unsigned' => true]);
        $categories->addColumn('name', 'string', ['length' => 255]);
        $categories->addColumn('slug', 'string', ['length' => 255]);
        $categories->addColumn('created_at', 'datetime', ['notnull' => false]);
        $categories->addColumn('updated_at', 'datetime', ['notnull' => false]);
        $categories->setPrimaryKey(['id']);
        $categories->addUniqueIndex(['slug'], 'categories_slug_unique');

        $products = $schema->createTable('products');
        $products->addColumn('id', 'bigint', ['autoincrement' => true, 'unsigned' => true]);
        $products->addColumn('category_id', 'bigint', ['unsigned' => true]);
        $products->addColumn('sku', 'string', ['length' => 32]);
        $products->addColumn('name', 'string', ['length' => 255]);
        $products->addColumn('slug', 'string', ['length' => 255]);
        $products->addColumn('description', 'text');
        $products->addColumn('price_cents', 'integer');
        $products->addColumn('currency', 'string', ['length' => 3, 'fixed' => true, 'default' => 'USD']);
        $products->addColumn('stock', 'integer', ['default' => 0]);
        $products->addColumn('popularity', 'integer', ['default' => 0]);
        $products->addColumn('created_at', 'datetime', ['notnull' => false]);
        $products->addColumn('updated_at', 'datetime', ['notnull' => false]);
        $products->setPrimaryKey(['id']);
        $products->addUniqueIndex(['sku'], 'products_sku_unique');
        $products->addIndex(['price_cents', 'id'], 'products_price_cents_id_index');
        $products->addIndex(['popularity', 'id'], 'products_popularity_id_index');
        $products->addIndex(['name', 'id'], 'products_name_id_index');
        $products->addForeignKeyConstraint('categories', ['category_id'], ['id'], [], 'products_category_id_foreign');

        $outbox = $schema->createTable(Outbox::TABLE);
        $outbox->addColumn('id', 'bigint', ['autoincrement' => true, 'unsigned' => true]);
        $outbox->addColumn('event_id', 'string', ['length' => 36, 'fixed' => true]);
        $outbox->addColumn('aggregate_type', 'string', ['length' => 64]);
        $outbox->addColumn('aggregate_id', 'string', ['length' => 64]);
        $outbox->addColumn('event_type', 'string', ['length' => 128]);
        $outbox->addColumn('payload', 'text');
        $outbox->addColumn('occurred_at', 'datetime', ['columnDefinition' => "{$micro} NOT NULL"]);
        $outbox->addColumn('published_at', 'datetime', ['notnull' => false, 'columnDefinition' => "{$micro} NULL"]);
        $outbox->addColumn('attempts', 'integer', ['default' => 0]);
        $outbox->addColumn('last_error', 'text', ['notnull' => false]);
        $outbox->addColumn('trace_context', 'string', ['length' => 1024, 'notnull' => false]);
        $outbox->setPrimaryKey(['id']);
        $outbox->addUniqueIndex(['event_id'], 'offramp_outbox_event_id_unique');
        $outbox->addIndex(['published_at', 'id'], 'offramp_outbox_published_at_id_index');
        $outbox->addIndex(['aggregate_type', 'aggregate_id', 'id'], 'offramp_outbox_aggregate_type_aggregate_id_id_index');

        $mails = $schema->createTable('sent_emails');
        $mails->addColumn('id', 'bigint', ['autoincrement' => true, 'unsigned' => true]);
        $mails->addColumn('user_id', 'bigint', ['unsigned' => true]);
        $mails->addColumn('recipient', 'string', ['length' => 255]);
        $mails->addColumn('kind', 'string', ['length' => 64]);
        $mails->addColumn('subject', 'string', ['length' => 255]);
        $mails->addColumn('sent_at', 'datetime');
        $mails->setPrimaryKey(['id']);
        $mails->addIndex(['user_id', 'id'], 'sent_emails_user_id_id_index');

        return $schema->getTables();
    }
}
