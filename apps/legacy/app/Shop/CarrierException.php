<?php

namespace App\Shop;

use RuntimeException;

class CarrierException extends RuntimeException
{
    public function __construct(public string $kind, string $message)
    {
        parent::__construct($message);
    }
}
