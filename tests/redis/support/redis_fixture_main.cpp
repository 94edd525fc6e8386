// redis-fixture: the Redis process fixtures of the C++ tests (redis_processes.hpp) as a
// command-line tool for the Node.js tests (tests/integration/lib/redis.mjs starts one per
// test process). It answers JSON requests on stdin, one per line, with JSON replies on
// stdout (the protocol: redis_fixture_dispatcher.hpp); when stdin ends, because the test
// process finished or died, it kills every process it started and removes their directories.
#include <signal.h>

#include <cstring>
#include <iostream>

#include "support/redis_fixture_dispatcher.hpp"

int main(int argc, char** argv) {
  if (argc > 1) {
    const bool help = std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0;
    (help ? std::cout : std::cerr)
        << "usage: redis-fixture < requests\n"
           "Starts and controls redis-server processes for tests: one JSON request per line on\n"
           "stdin, one JSON reply per line on stdout, e.g.\n"
           "  {\"id\":1,\"op\":\"startServer\",\"options\":{\"appendOnly\":true}}\n"
           "  {\"id\":1,\"ok\":true,\"result\":{\"handle\":\"s1\",\"port\":40123,...},...}\n"
           "Everything it started is killed and removed when stdin ends. The operations are\n"
           "listed in tests/redis/support/redis_fixture_dispatcher.cpp.\n";
    return help ? 0 : 2;
  }
  // A reader gone away must end the loop (and so clean up), not kill the process.
  ::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  sio::redis_test::ServeFixtureRequests(std::cin, std::cout);
  return 0;
}
