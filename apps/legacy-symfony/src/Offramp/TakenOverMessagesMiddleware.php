<?php

namespace App\Offramp;

use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Middleware\MiddlewareInterface;
use Symfony\Component\Messenger\Middleware\StackInterface;
use Symfony\Component\Messenger\Stamp\ReceivedStamp;
use Symfony\Component\Messenger\Stamp\SentStamp;
use Symfony\Component\Messenger\Transport\Sender\SenderInterface;

/**
 * The PHP side of Offramp's Messenger bridge, the twin of the Laravel app's OfframpDispatcher:
 * messages of the classes in OFFRAMP_TAKEN_OVER_MESSAGES are sent, unchanged, to the "offramp"
 * transport (messenger_messages, queue_name offramp), which Offramp's bridge drains into
 * JetStream; their handlers run in Node. A message received as from the "offramp" transport is
 * sent back there instead of being handled here: that is `messenger:failed:retry` of a message
 * that failed in Node (FailedMessageProcessingMiddleware marks it received from the transport
 * its SentToFailureTransportStamp names), so the retry runs in Node too.
 */
final class TakenOverMessagesMiddleware implements MiddlewareInterface
{
    /** @var list<string> */
    private readonly array $takenOver;

    /** @param list<string|null> $takenOver */
    public function __construct(private readonly SenderInterface $offramp, array $takenOver, private readonly string $transport = 'offramp')
    {
        $this->takenOver = array_values(array_filter(array_map(static fn ($class) => trim((string) $class), $takenOver), static fn ($class) => $class !== ''));
    }

    public function handle(Envelope $envelope, StackInterface $stack): Envelope
    {
        /** @var ReceivedStamp|null $received */
        $received = $envelope->last(ReceivedStamp::class);
        $fresh = $received === null && \in_array(\get_class($envelope->getMessage()), $this->takenOver, true);
        if (! $fresh && ($received === null || $received->getTransportName() !== $this->transport)) {
            return $stack->next()->handle($envelope, $stack);
        }
        $this->offramp->send($envelope);

        // The worker of a retry acks the envelope it gets back: it keeps its received stamps.
        return $envelope->with(new SentStamp(\get_class($this->offramp), $this->transport));
    }
}
