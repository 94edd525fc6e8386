// rediss:// against a real redis-server with TLS: a private CA and server certificate are
// made with openssl for the test; the client verifies the server against that CA (and
// refuses it without the CA), then works as over plain TCP.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "event_loop.hpp"
#include "redis_processes.hpp"
#include "sio/redis/connection.hpp"

using namespace sio::redis;
using namespace std::chrono_literals;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisServer;
using sio::redis_test::RunProgram;

namespace {

struct Certificates {
  std::filesystem::path dir;
  std::filesystem::path ca, cert, key;
};

void run(const std::vector<std::string>& argv) {
  auto result = RunProgram(argv);
  if (result.exitCode != 0)
    throw std::runtime_error("command failed: " + argv[0] + ": " + result.err);
}

// A CA and a certificate for 127.0.0.1 / localhost signed by it.
Certificates makeCertificates() {
  Certificates c;
  c.dir = std::filesystem::temp_directory_path() / ("sio-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(c.dir);
  c.ca = c.dir / "ca.crt";
  c.cert = c.dir / "server.crt";
  c.key = c.dir / "server.key";
  auto caKey = (c.dir / "ca.key").string();
  run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=sio test CA", "-keyout", caKey, "-out", c.ca.string()});
  auto csr = (c.dir / "server.csr").string();
  run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
       c.key.string(), "-out", csr});
  auto ext = c.dir / "ext.cnf";
  {
    std::ofstream out(ext);
    out << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  }
  run({"openssl", "x509", "-req", "-in", csr, "-CA", c.ca.string(), "-CAkey", caKey,
       "-CAcreateserial", "-days", "2", "-extfile", ext.string(), "-out", c.cert.string()});
  return c;
}

}  // namespace

TEST(RedisTls, VerifiedConnectionWorksAndAnUnknownCaIsRefused) {
  auto certs = makeCertificates();
  int tlsPort = sio::redis_test::FreePort();
  RedisServer::Options options;
  options.extraConfig = {"tls-port " + std::to_string(tlsPort),
                         "tls-cert-file " + certs.cert.string(),
                         "tls-key-file " + certs.key.string(),
                         "tls-ca-cert-file " + certs.ca.string(), "tls-auth-clients no"};
  RedisServer server(options);
  EventLoop loop;

  ConnectionOptions good;
  good.url = *parseRedisUrl("rediss://127.0.0.1:" + std::to_string(tlsPort));
  good.tls.caFile = certs.ca.string();
  auto connection = Connection::create(loop.executor(), good);
  connection->start();
  std::vector<Reply> replies;
  connection->send(Command{"SET", "secure", "yes"}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec) << ec.message();
    replies.push_back(reply);
  });
  connection->send(Command{"GET", "secure"},
                   [&](std::error_code, Reply reply) { replies.push_back(reply); });
  ASSERT_TRUE(loop.runUntil([&] { return replies.size() == 2; }));
  EXPECT_EQ(replies[1], Reply::string("yes"));
  connection->close();

  ConnectionOptions untrusted = good;
  untrusted.tls.caFile.clear();  // the system store does not know our CA
  auto refused = Connection::create(loop.executor(), untrusted);
  std::error_code failure;
  refused->onState([&](ConnectionState state, std::error_code ec) {
    if (state == ConnectionState::Reconnecting && ec) failure = ec;
  });
  refused->start();
  ASSERT_TRUE(loop.runUntil([&] { return bool(failure); }));
  EXPECT_NE(refused->state(), ConnectionState::Ready);
  refused->close();
  std::filesystem::remove_all(certs.dir);
}
