<?php

namespace App\Controller;

use App\Catalog\ProductRepository;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpKernel\Exception\NotFoundHttpException;

/** GET partners.{domain}/partner/stock/{sku}: the stock feed partners poll, on their own host. */
final class PartnerController
{
    public function __construct(private readonly ProductRepository $products)
    {
    }

    public function stock(string $sku, string $domain): JsonResponse
    {
        $product = $this->products->findBySku($sku);
        if ($product === null) {
            throw new NotFoundHttpException("No product with SKU {$sku}.");
        }

        return new JsonResponse(['sku' => $product['sku'], 'stock' => $product['stock'], 'price_cents' => $product['price_cents'], 'currency' => $product['currency'], 'partner_domain' => $domain]);
    }
}
