<?php

// The services config Laravel 11+ uses when the app has no config/services.php of its own
// (vendor/laravel/framework/config/services.php, reduced to what sesform reads).

return [

    'ses' => [
        'key' => env('AWS_ACCESS_KEY_ID'),
        'secret' => env('AWS_SECRET_ACCESS_KEY'),
        'region' => env('AWS_DEFAULT_REGION', 'us-east-1'),
    ],

];
