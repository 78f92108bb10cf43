<?php

namespace App\EventListener;

use App\Catalog\InvalidQueryParameter;
use Symfony\Component\EventDispatcher\Attribute\AsEventListener;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpKernel\Event\ExceptionEvent;
use Symfony\Component\HttpKernel\Exception\HttpExceptionInterface;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * Errors of JSON requests (route _format json, or a client that accepts only JSON) as RFC 9457
 * problem+json; a bad input names its field in "field". HTML requests keep Symfony's error pages.
 */
#[AsEventListener(event: KernelEvents::EXCEPTION, priority: 10)]
final class ProblemJsonListener
{
    public function __invoke(ExceptionEvent $event): void
    {
        $request = $event->getRequest();
        $wantsJson = $request->attributes->get('_format') === 'json'
            || $request->getRequestFormat(null) === 'json'
            || (str_contains((string) $request->headers->get('Accept'), 'json') && ! str_contains((string) $request->headers->get('Accept'), 'html'));
        $e = $event->getThrowable();
        if (! $wantsJson && ! $e instanceof InvalidQueryParameter) {
            return;
        }
        if (! $e instanceof HttpExceptionInterface) {
            return; // 500s: Symfony's own handling (logged), not a body that could leak internals
        }
        $status = $e->getStatusCode();
        $problem = ['type' => 'about:blank', 'title' => JsonResponse::$statusTexts[$status] ?? 'Error', 'status' => $status, 'detail' => $e->getMessage()];
        if ($e instanceof InvalidQueryParameter) {
            $problem['field'] = $e->parameter;
        }
        $response = new JsonResponse($problem, $status, $e->getHeaders() + ['Content-Type' => 'application/problem+json']);
        $event->setResponse($response);
    }
}
