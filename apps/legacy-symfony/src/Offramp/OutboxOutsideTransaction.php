<?php

namespace App\Offramp;

/** Outbox::record() was called outside a transaction: the event could diverge from the change. */
final class OutboxOutsideTransaction extends \LogicException
{
}
