<?php

namespace App\MessageHandler;

/** The message names a user that does not exist (deleted since it was sent). */
final class UnknownUser extends \RuntimeException
{
}
