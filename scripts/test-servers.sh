# Throwaway servers for the storage tests, sourced by scripts/test: a PostgreSQL cluster (Debian's
# postgresql package, run as a non-root user) and an S3-compatible server (s3rver from npm), each on a
# free loopback port. They export the variables the tests read and are stopped when the script exits:
#   SEVA_TEST_POSTGRES  Npgsql connection string of a superuser (each test makes its own database)
#   SEVA_TEST_S3_URL    endpoint of the S3 server (access key and secret: S3RVER / S3RVER)

SEVA_TEST_SERVERS_DIR=""

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Runs a command as the unprivileged owner of the throwaway cluster (PostgreSQL refuses to run as root).
as_cluster_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed (Debian package postgresql)." >&2
    return 1
  fi
  local dir="$SEVA_TEST_SERVERS_DIR/postgres" port
  port=$(free_port)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_cluster_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  as_cluster_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=off -c max_connections=300" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  SEVA_TEST_PG_BIN="$bin"
  export SEVA_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "PostgreSQL for the tests on 127.0.0.1:$port"
}

start_s3() {
  local dir="$SEVA_TEST_SERVERS_DIR/s3" port
  (cd tests/servers && npm ci --no-audit --no-fund --silent >/dev/null) || return 1
  port=$(free_port)
  mkdir -p "$dir/objects"
  node tests/servers/node_modules/.bin/s3rver -d "$dir/objects" -a 127.0.0.1 -p "$port" --silent >"$dir/server.log" 2>&1 &
  SEVA_TEST_S3_PID=$!
  for _ in $(seq 1 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  export SEVA_TEST_S3_URL="http://127.0.0.1:$port"
  echo "S3 (s3rver) for the tests on $SEVA_TEST_S3_URL"
}

stop_test_servers() {
  [ -n "${SEVA_TEST_S3_PID:-}" ] && kill "$SEVA_TEST_S3_PID" 2>/dev/null
  if [ -n "${SEVA_TEST_PG_BIN:-}" ]; then
    as_cluster_owner "$SEVA_TEST_PG_BIN/pg_ctl" -D "$SEVA_TEST_SERVERS_DIR/postgres/data" -m immediate stop >/dev/null 2>&1
  fi
  [ -n "$SEVA_TEST_SERVERS_DIR" ] && rm -rf "$SEVA_TEST_SERVERS_DIR"
  return 0
}

start_test_servers() {
  SEVA_TEST_SERVERS_DIR=$(mktemp -d /tmp/seva-test-servers.XXXXXX)
  chmod 755 "$SEVA_TEST_SERVERS_DIR"
  trap stop_test_servers EXIT
  start_postgres
  start_s3
}
