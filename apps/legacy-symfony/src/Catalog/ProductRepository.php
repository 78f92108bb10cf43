<?php

namespace App\Catalog;

use Doctrine\DBAL\Connection;

/** The catalog's reads, with DBAL (portable SQL: SQLite, MariaDB, PostgreSQL). */
final class ProductRepository
{
    private const COLUMNS = 'p.id, p.category_id, p.sku, p.name, p.slug, p.description, p.price_cents, p.currency, p.stock, p.created_at, p.updated_at, c.name AS category_name, c.slug AS category_slug';

    public function __construct(private readonly Connection $connection)
    {
    }

    /**
     * @return array{items: list<array<string,mixed>>, total: int}
     */
    public function search(string $q, int $page, int $perPage): array
    {
        $where = '';
        $params = [];
        if ($q !== '') {
            // Substring of name or SKU, case-insensitive; % and _ in q are literal.
            $pattern = '%'.strtr(mb_strtolower($q), ['!' => '!!', '%' => '!%', '_' => '!_']).'%';
            $where = "WHERE LOWER(p.name) LIKE ? ESCAPE '!' OR LOWER(p.sku) LIKE ? ESCAPE '!'";
            $params = [$pattern, $pattern];
        }
        $total = (int) $this->connection->fetchOne("SELECT COUNT(*) FROM products p {$where}", $params);
        $rows = $this->connection->fetchAllAssociative(
            'SELECT '.self::COLUMNS." FROM products p JOIN categories c ON c.id = p.category_id {$where} ORDER BY p.id LIMIT ".$perPage.' OFFSET '.(($page - 1) * $perPage),
            $params,
        );

        return ['items' => array_map(self::present(...), $rows), 'total' => $total];
    }

    /** @return array<string,mixed>|null */
    public function find(int $id): ?array
    {
        $row = $this->connection->fetchAssociative('SELECT '.self::COLUMNS.' FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = ?', [$id]);

        return $row === false ? null : self::present($row);
    }

    /** @return array<string,mixed>|null the first product with that slug (slugs are not unique) */
    public function findBySlug(string $slug): ?array
    {
        $row = $this->connection->fetchAssociative('SELECT '.self::COLUMNS.' FROM products p JOIN categories c ON c.id = p.category_id WHERE p.slug = ? ORDER BY p.id LIMIT 1', [$slug]);

        return $row === false ? null : self::present($row);
    }

    /** @return array<string,mixed>|null */
    public function findBySku(string $sku): ?array
    {
        $row = $this->connection->fetchAssociative('SELECT '.self::COLUMNS.' FROM products p JOIN categories c ON c.id = p.category_id WHERE p.sku = ?', [$sku]);

        return $row === false ? null : self::present($row);
    }

    /**
     * @param  array<string,mixed>  $row
     * @return array<string,mixed>
     */
    public static function present(array $row): array
    {
        return [
            'id' => (int) $row['id'],
            'sku' => (string) $row['sku'],
            'name' => (string) $row['name'],
            'slug' => (string) $row['slug'],
            'description' => (string) $row['description'],
            'price_cents' => (int) $row['price_cents'],
            'currency' => (string) $row['currency'],
            'stock' => (int) $row['stock'],
            'category' => ['id' => (int) $row['category_id'], 'name' => (string) $row['category_name'], 'slug' => (string) $row['category_slug']],
        ];
    }
}
