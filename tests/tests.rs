mod emulator_sesv2;
