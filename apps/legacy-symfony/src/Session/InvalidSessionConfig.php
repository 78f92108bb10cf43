<?php

namespace App\Session;

/** The session configuration is wrong; the message names the variable. */
final class InvalidSessionConfig extends \InvalidArgumentException
{
}
