# Sourced by scripts/demo and scripts/bench-plan: starts the SESv2 emulator and moto_server on
# free loopback ports, points the AWS SDK at them, and stops both on exit.
# Needs: target/<profile>/sesform-emulator built, .venv from scripts/install-emulators.

emulators_start() {
  local bin_dir="$1" log_dir="$2"
  "$bin_dir/sesform-emulator" --port 0 >"$log_dir/sesform-emulator.log" 2>&1 &
  EMULATOR_PID=$!
  local moto_port
  moto_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  .venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >"$log_dir/moto.log" 2>&1 &
  MOTO_PID=$!
  trap emulators_stop EXIT

  local url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^sesform-emulator listening on //p' "$log_dir/sesform-emulator.log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "sesform-emulator did not start:" >&2; cat "$log_dir/sesform-emulator.log" >&2; exit 1; }
  local moto_up=""
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$moto_port") 2>/dev/null && { moto_up=1; break; }
    # moto exited (a missing .venv, a broken install): no point in waiting for it.
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$moto_up" ] || { echo "moto_server did not open port $moto_port:" >&2; cat "$log_dir/moto.log" >&2; exit 1; }

  export AWS_ACCESS_KEY_ID=AKIADEMODEMODEMODEMO AWS_SECRET_ACCESS_KEY=demo-secret
  export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" AWS_ENDPOINT_URL_SESV2="$url"
  export AWS_EC2_METADATA_DISABLED=true
  unset AWS_PROFILE AWS_DEFAULT_PROFILE
  # The emulators have no rate limits; real AWS runs keep the default pacing.
  export SESFORM_API_RATE=all=off
}

emulators_stop() {
  kill "${EMULATOR_PID:-}" "${MOTO_PID:-}" 2>/dev/null || true
  wait 2>/dev/null || true
}
