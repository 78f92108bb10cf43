<?php

// Closure commands would go here.
