<?php

return [

    'ses' => [
        'key' => env('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'),
        'secret' => env('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
        'region' => env('AWS_DEFAULT_REGION', 'eu-west-1'),
    ],

];
