<?php

namespace App\Console;

use App\Jobs\RecalculateProductPopularity;
use Illuminate\Console\Scheduling\Schedule;
use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

class Kernel extends ConsoleKernel
{
    protected $commands = [];

    protected function schedule(Schedule $schedule)
    {
        // Queued; as a taken-over job class it lands on the `offramp` queue. Off when Offramp's
        // pipelines run the schedule (config offramp.php_schedules_popularity).
        if (config('offramp.php_schedules_popularity', true)) {
            $schedule->job(new RecalculateProductPopularity())->hourly()->name('recalculate-product-popularity');
        }
    }

    protected function commands()
    {
        $this->load(__DIR__.'/Commands');
        require base_path('routes/console.php');
    }
}
