<?php

namespace App\Controller\Admin;

use App\Catalog\ProductRepository;
use App\Offramp\Outbox;
use Doctrine\DBAL\Connection;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Exception\NotFoundHttpException;

/**
 * /admin/products (ROLE_ADMIN): the back-office list and the price/stock edit. An edit writes the
 * Laravel app's events (shop.products.price_changed.v1, shop.products.stock_changed.v1 with reason
 * admin_update) to the outbox in the edit's transaction.
 */
final class ProductController extends AbstractController
{
    public const CSRF_TOKEN_ID = 'admin_product';

    public function __construct(private readonly Connection $connection, private readonly ProductRepository $products, private readonly Outbox $outbox)
    {
    }

    public function index(int $page): Response
    {
        $result = $this->products->search('', $page, 50);

        return $this->render('admin/products.html.twig', ['products' => $result['items'], 'page' => $page, 'last_page' => max(1, (int) ceil($result['total'] / 50))]);
    }

    /** Form fields or a JSON body {"price_cents"?, "stock"?}; CSRF token (id admin_product) in _csrf_token or the X-CSRF-Token header. */
    public function update(Request $request, int $id): Response
    {
        $json = str_contains((string) $request->headers->get('Content-Type'), 'json');
        $input = $json ? (array) json_decode($request->getContent() ?: '{}', true) : $request->request->all();
        $token = (string) ($request->headers->get('X-CSRF-Token') ?? $input['_csrf_token'] ?? '');
        if (! $this->isCsrfTokenValid(self::CSRF_TOKEN_ID, $token)) {
            return self::problem(403, 'Invalid CSRF token (X-CSRF-Token header or _csrf_token field, token id admin_product).', '_csrf_token');
        }
        $changes = [];
        foreach (['price_cents' => 100_000_000, 'stock' => 1_000_000] as $field => $max) {
            if (! array_key_exists($field, $input) || $input[$field] === '') {
                continue;
            }
            $value = filter_var($input[$field], FILTER_VALIDATE_INT);
            if ($value === false || $value < 0 || $value > $max) {
                return self::problem(422, "{$field} must be a whole number from 0 to {$max}.", $field);
            }
            $changes[$field] = $value;
        }
        if ($changes === []) {
            return self::problem(422, 'Nothing to change: give price_cents and/or stock.', 'price_cents');
        }

        $this->connection->transactional(function (Connection $connection) use ($id, $changes): void {
            // Write first: takes the row lock (MariaDB, PostgreSQL) or SQLite's write lock before reading.
            // Its count cannot say whether the product exists: MariaDB counts changed rows, and an edit in
            // the same second as the last one changes no updated_at.
            $connection->update('products', ['updated_at' => gmdate('Y-m-d H:i:s')], ['id' => $id]);
            $before = $connection->fetchAssociative('SELECT price_cents, stock, currency FROM products WHERE id = ?', [$id]);
            if ($before === false) {
                throw new NotFoundHttpException("No product {$id}.");
            }
            $connection->update('products', $changes, ['id' => $id]);
            if (isset($changes['price_cents']) && $changes['price_cents'] !== (int) $before['price_cents']) {
                $this->outbox->record('product', $id, Outbox::PRODUCT_PRICE_CHANGED, [
                    'product_id' => $id,
                    'price_cents' => $changes['price_cents'],
                    'previous_price_cents' => (int) $before['price_cents'],
                    'currency' => $before['currency'],
                ]);
            }
            if (isset($changes['stock']) && $changes['stock'] !== (int) $before['stock']) {
                $this->outbox->record('product', $id, Outbox::PRODUCT_STOCK_CHANGED, [
                    'product_id' => $id,
                    'stock' => $changes['stock'],
                    'previous_stock' => (int) $before['stock'],
                    'delta' => $changes['stock'] - (int) $before['stock'],
                    'reason' => 'admin_update',
                    'order_id' => null,
                ]);
            }
        });

        if ($json) {
            return new JsonResponse($this->products->find($id));
        }
        $this->addFlash('notice', "Product {$id} saved.");

        return $this->redirectToRoute('admin_products');
    }

    private static function problem(int $status, string $detail, string $field): JsonResponse
    {
        return new JsonResponse(['type' => 'about:blank', 'title' => Response::$statusTexts[$status], 'status' => $status, 'detail' => $detail, 'field' => $field], $status, ['Content-Type' => 'application/problem+json']);
    }
}
