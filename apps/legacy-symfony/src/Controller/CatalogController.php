<?php

namespace App\Controller;

use App\Catalog\InvalidQueryParameter;
use App\Catalog\ProductRepository;
use Symfony\Bundle\FrameworkBundle\Controller\AbstractController;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpKernel\Exception\NotFoundHttpException;

/** The catalog: list with ?q= search and ?page= / ?per_page= pagination, detail; HTML or JSON by _format. */
final class CatalogController extends AbstractController
{
    public function __construct(private readonly ProductRepository $products, private readonly int $perPage)
    {
    }

    public function index(Request $request, string $_format = 'html'): Response
    {
        $q = trim((string) $request->query->get('q', ''));
        $page = self::positiveInt($request, 'page', 1);
        $perPage = min(100, self::positiveInt($request, 'per_page', $this->perPage));
        $result = $this->products->search($q, $page, $perPage);
        $lastPage = max(1, (int) ceil($result['total'] / $perPage));
        $body = ['data' => $result['items'], 'q' => $q, 'page' => $page, 'per_page' => $perPage, 'total' => $result['total'], 'last_page' => $lastPage];

        if ($_format === 'json') {
            return new JsonResponse($body);
        }

        return $this->render('catalog/index.html.twig', $body + ['locale' => $request->getLocale()]);
    }

    public function show(Request $request, int $id, string $_format = 'html'): Response
    {
        $product = $this->products->find($id);
        if ($product === null) {
            throw new NotFoundHttpException("No product {$id}.");
        }
        if ($_format === 'json') {
            return new JsonResponse($product);
        }

        return $this->render('catalog/show.html.twig', ['product' => $product, 'locale' => $request->getLocale()]);
    }

    public function bySlug(Request $request, string $slug): Response
    {
        $product = $this->products->findBySlug($slug);
        if ($product === null) {
            throw new NotFoundHttpException("No product \"{$slug}\".");
        }

        return $this->redirectToRoute('catalog_show', ['_locale' => $request->getLocale(), 'id' => $product['id']], Response::HTTP_MOVED_PERMANENTLY);
    }

    /** /catalog/{page}: the URL before the locale prefix, still linked from old mails. */
    public function legacyPage(Request $request, int $page): Response
    {
        return $this->redirectToRoute('catalog_index', ['_locale' => 'en', 'page' => $page] + $request->query->all(), Response::HTTP_MOVED_PERMANENTLY);
    }

    private static function positiveInt(Request $request, string $name, int $default): int
    {
        $raw = $request->query->get($name);
        if ($raw === null || $raw === '') {
            return $default;
        }
        if (! is_string($raw) || ! preg_match('/^[0-9]{1,9}$/', $raw) || (int) $raw < 1) {
            throw new InvalidQueryParameter($name, "{$name} must be a whole number of at least 1.");
        }

        return (int) $raw;
    }
}
