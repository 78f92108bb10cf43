<?php

namespace App\Jobs;

use App\Models\Order;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Mail\Message;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use Illuminate\Support\Facades\Mail;

/** Mails the order confirmation (MAIL_MAILER, default: the log). Taken over by Offramp. */
class SendOrderConfirmation implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public $tries = 3;

    public function __construct(public Order $order)
    {
    }

    public function handle()
    {
        $order = $this->order->loadMissing('items.product', 'user');
        $lines = $order->items->map(fn ($i) => sprintf('%d x %s @ %s', $i->quantity, $i->product->name ?? "#{$i->product_id}", self::money($i->unit_price_cents, $order->currency)));

        Mail::raw(
            "Thank you for your order #{$order->id}.\n\n".$lines->implode("\n")."\n\nTotal: ".self::money($order->total_cents, $order->currency)."\n",
            function (Message $m) use ($order) {
                $m->to($order->user->email, $order->user->name)->subject("Order #{$order->id} confirmed");
            }
        );
    }

    private static function money(int $cents, string $currency): string
    {
        return sprintf('%s %d.%02d', $currency, intdiv($cents, 100), $cents % 100);
    }
}
