<?php

// laravel/framework config/services.php of 11.0.0 and later, its SES settings without its
// comments: what a Laravel 11+ app without config/services.php uses for the `ses` mailers.

return [

    'ses' => [
        'key' => env('AWS_ACCESS_KEY_ID'),
        'secret' => env('AWS_SECRET_ACCESS_KEY'),
        'region' => env('AWS_DEFAULT_REGION', 'us-east-1'),
    ],

];
