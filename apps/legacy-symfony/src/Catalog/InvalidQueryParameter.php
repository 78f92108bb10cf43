<?php

namespace App\Catalog;

use Symfony\Component\HttpKernel\Exception\HttpException;

/** A query parameter of the request is invalid: 422, answered as problem+json naming the parameter. */
final class InvalidQueryParameter extends HttpException
{
    public function __construct(public readonly string $parameter, string $detail)
    {
        parent::__construct(422, $detail);
    }
}
