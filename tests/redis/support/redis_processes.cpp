// Implementation of the Redis process fixtures (redis_processes.hpp): fork/exec of
// redis-server / redis-cli in their own process groups, a tiny blocking RESP2 client for
// readiness and state polling, and the cluster / sentinel orchestration with polling loops
// that throw std::runtime_error carrying the last observed state when they time out.
#include "redis_processes.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bitset>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sio::redis_test {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kSlots = 16384;
constexpr milliseconds kPollInterval{50};

std::string ErrnoText(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

void Sleep(milliseconds ms) {
  std::this_thread::sleep_for(ms);
}

/// A fixed end time for a polling loop.
class Deadline {
 public:
  explicit Deadline(milliseconds timeout) : end_(Clock::now() + timeout) {}
  bool passed() const { return Clock::now() >= end_; }
  milliseconds left() const {
    auto d = std::chrono::duration_cast<milliseconds>(end_ - Clock::now());
    return d.count() > 0 ? d : milliseconds{0};
  }

 private:
  Clock::time_point end_;
};

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::istringstream in(dirs);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("'" + name +
                           "' not found in PATH (install the Debian packages redis-server and "
                           "redis-tools)");
}

/// Marks every descriptor >= 3 close-on-exec (async-signal-safe; used between fork and exec).
void CloexecFrom3() {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0) return;
#endif
  struct rlimit rl {};
  long max = 4096;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    max = std::min<long>(static_cast<long>(rl.rlim_cur), 65536);
  for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/// fork/exec of argv in a new process group, stdin from /dev/null, stdout/stderr to the given
/// descriptors. The child gets SIGKILL when the creating thread dies (PR_SET_PDEATHSIG).
/// Returns once the exec succeeded; throws when it failed.
pid_t Spawn(const std::vector<std::string>& argv, int outFd, int errFd,
            const std::map<std::string, std::string>& extraEnv = {}) {
  const std::string path = FindInPath(argv.at(0));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  std::vector<std::string> envStrings;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq != std::string::npos && extraEnv.count(entry.substr(0, eq))) continue;
    envStrings.push_back(std::move(entry));
  }
  for (const auto& [k, v] : extraEnv) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);

  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) throw std::runtime_error(ErrnoText("open /dev/null"));
  int errPipe[2];
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    ::close(devnull);
    throw std::runtime_error(ErrnoText("pipe2"));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    ::close(devnull);
    ::close(errPipe[0]);
    ::close(errPipe[1]);
    errno = e;
    throw std::runtime_error(ErrnoText("fork"));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to execve.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    ::dup2(devnull, 0);
    ::dup2(outFd, 1);
    ::dup2(errFd, 2);
    CloexecFrom3();
    ::execve(path.c_str(), args.data(), envp.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(errPipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  ::close(devnull);
  ::close(errPipe[1]);
  int childErrno = 0;
  ssize_t n;
  do {
    n = ::read(errPipe[0], &childErrno, sizeof childErrno);
  } while (n < 0 && errno == EINTR);
  ::close(errPipe[0]);
  if (n == static_cast<ssize_t>(sizeof childErrno)) {
    int status;
    ::waitpid(pid, &status, 0);
    errno = childErrno;
    throw std::runtime_error(ErrnoText("exec " + path));
  }
  return pid;
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// ---- RESP over a blocking-with-deadline socket ----

class RespConnection {
 public:
  RespConnection(int port, milliseconds timeout) : deadline_(timeout), port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(ErrnoText("socket"));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (errno != EINPROGRESS) fail("connect");
      waitFor(POLLOUT, "connect");
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        errno = err;
        fail("connect");
      }
    }
  }
  ~RespConnection() { ::close(fd_); }
  RespConnection(const RespConnection&) = delete;
  RespConnection& operator=(const RespConnection&) = delete;

  void send(const std::vector<std::string>& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        waitFor(POLLOUT, "send");
      } else {
        fail("send");
      }
    }
  }

  RespReply read() {
    std::string line = readLine();
    if (line.empty())
      throw std::runtime_error("empty RESP line from port " + std::to_string(port_));
    RespReply r;
    const std::string rest = line.substr(1);
    switch (line[0]) {
      case '+':
        r.type = RespReply::Type::Status;
        r.str = rest;
        return r;
      case '-':
        r.type = RespReply::Type::Error;
        r.str = rest;
        return r;
      case ':':
        r.type = RespReply::Type::Integer;
        r.integer = std::stoll(rest);
        return r;
      case '$': {
        long long len = std::stoll(rest);
        if (len < 0) return r;  // Nil
        r.type = RespReply::Type::Bulk;
        r.str = readExactly(static_cast<std::size_t>(len) + 2);
        r.str.resize(static_cast<std::size_t>(len));
        return r;
      }
      case '*': {
        long long count = std::stoll(rest);
        if (count < 0) return r;  // Nil
        r.type = RespReply::Type::Array;
        for (long long i = 0; i < count; ++i) r.elements.push_back(read());
        return r;
      }
      default:
        throw std::runtime_error("unexpected RESP line from port " + std::to_string(port_) + ": " +
                                 line);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(ErrnoText(what + " 127.0.0.1:" + std::to_string(port_)));
  }

  void waitFor(short events, const std::string& what) {
    for (;;) {
      pollfd p{fd_, events, 0};
      int ms = static_cast<int>(deadline_.left().count());
      if (ms == 0)
        throw std::runtime_error("timed out (" + what + ") on 127.0.0.1:" + std::to_string(port_));
      int n = ::poll(&p, 1, ms);
      if (n > 0) return;
      if (n < 0 && errno != EINTR) fail("poll");
    }
  }

  void fill() {
    char chunk[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return;
      }
      if (n == 0)
        throw std::runtime_error("connection to 127.0.0.1:" + std::to_string(port_) +
                                 " closed by the server");
      if (errno == EAGAIN || errno == EINTR) {
        waitFor(POLLIN, "read");
        continue;
      }
      fail("recv");
    }
  }

  std::string readLine() {
    std::size_t end;
    while ((end = buffer_.find("\r\n", pos_)) == std::string::npos) fill();
    std::string line = buffer_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return line;
  }

  std::string readExactly(std::size_t n) {
    while (buffer_.size() - pos_ < n) fill();
    std::string out = buffer_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  Deadline deadline_;
  int port_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t pos_ = 0;
};

/// Sends the commands pipelined (after AUTH when a password is given) and returns their
/// replies; an AUTH error is returned as the reply of every command.
std::vector<RespReply> RespPipeline(int port, const std::vector<std::vector<std::string>>& cmds,
                                    const std::string& password, milliseconds timeout) {
  RespConnection c(port, timeout);
  if (!password.empty()) {
    c.send({"AUTH", password});
    RespReply auth = c.read();
    if (auth.isError()) return std::vector<RespReply>(cmds.size(), auth);
  }
  for (const auto& cmd : cmds) c.send(cmd);
  std::vector<RespReply> replies;
  for (std::size_t i = 0; i < cmds.size(); ++i) replies.push_back(c.read());
  return replies;
}

std::string ReadFileTail(const std::filesystem::path& file, std::size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "(no log at " + file.string() + ")";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(bytes));
  in.seekg(from);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return out;
}

std::string ReadFileFrom(const std::filesystem::path& file, std::uintmax_t offset) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Removes fixture directories whose owning test process (or redis-fixture tool) is gone: a
/// process killed by SIGKILL cannot run its destructors.
void RemoveStaleDirs(const std::filesystem::path& base) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    if (!StartsWith(entry.path().filename().string(), "sio-redis-")) continue;
    std::ifstream ownerFile(entry.path() / "owner.pid");
    long owner = 0;
    if (!(ownerFile >> owner) || owner <= 0) continue;
    if (::kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }
}

std::filesystem::path MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = tmp && *tmp ? tmp : "/tmp";
  RemoveStaleDirs(base);
  std::string templ = base + "/sio-redis-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error(ErrnoText("mkdtemp " + templ));
  std::filesystem::path dir(buf.data());
  std::ofstream(dir / "owner.pid") << ::getpid() << "\n";
  return dir;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The fields of a flat [key, value, key, value...] reply (SENTINEL MASTER / REPLICAS).
std::map<std::string, std::string> FieldMap(const RespReply& r) {
  std::map<std::string, std::string> m;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
    m[r.elements[i].str] = r.elements[i + 1].str;
  return m;
}

/// ROLE: {"master", 0} or {"slave", master port}; {"", 0} when unknown.
std::pair<std::string, int> Role(const RedisServer& s) {
  RespReply r = s.command({"ROLE"});
  if (r.type != RespReply::Type::Array || r.elements.empty()) return {"", 0};
  const std::string& role = r.elements[0].str;
  if (role == "slave" && r.elements.size() >= 3) {
    const RespReply& p = r.elements[2];
    int port = p.type == RespReply::Type::Integer ? static_cast<int>(p.integer) : std::stoi(p.str);
    return {role, port};
  }
  return {role, 0};
}

std::string Address(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

}  // namespace

// ---- free functions ----

std::vector<int> FreePorts(std::size_t count) {
  std::vector<int> fds;
  std::vector<int> ports;
  auto closeAll = [&] {
    for (int fd : fds) ::close(fd);
  };
  for (std::size_t i = 0; i < count; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      closeAll();
      throw std::runtime_error(ErrnoText("socket"));
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      int e = errno;
      closeAll();
      errno = e;
      throw std::runtime_error(ErrnoText("bind 127.0.0.1:0"));
    }
    ports.push_back(ntohs(addr.sin_port));
  }
  closeAll();
  return ports;
}

int FreePort() {
  return FreePorts(1).front();
}

std::string RespReply::toString() const {
  switch (type) {
    case Type::Status:
    case Type::Bulk:
      return str;
    case Type::Error:
      return "(error) " + str;
    case Type::Integer:
      return std::to_string(integer);
    case Type::Nil:
      return "(nil)";
    case Type::Array: {
      std::vector<std::string> parts;
      for (const auto& e : elements) parts.push_back(e.toString());
      return "[" + Join(parts, ", ") + "]";
    }
  }
  return "";
}

RespReply RespCommand(int port, const std::vector<std::string>& args, const std::string& password,
                      milliseconds timeout) {
  return RespPipeline(port, {args}, password, timeout).front();
}

ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& extraEnv, milliseconds timeout) {
  int outPipe[2], errPipe[2];
  if (::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error(ErrnoText("pipe2"));
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    ::close(outPipe[0]);
    ::close(outPipe[1]);
    throw std::runtime_error(ErrnoText("pipe2"));
  }
  pid_t pid;
  try {
    pid = Spawn(argv, outPipe[1], errPipe[1], extraEnv);
  } catch (...) {
    for (int fd : {outPipe[0], outPipe[1], errPipe[0], errPipe[1]}) ::close(fd);
    throw;
  }
  ::close(outPipe[1]);
  ::close(errPipe[1]);

  ProgramResult result;
  Deadline deadline(timeout);
  pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  bool timedOut = false;
  while (open > 0) {
    int ms = static_cast<int>(deadline.left().count());
    if (ms == 0) {
      timedOut = true;
      break;
    }
    int n = ::poll(fds, 2, ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char chunk[8192];
      ssize_t got = ::read(fds[i].fd, chunk, sizeof chunk);
      if (got > 0) {
        sinks[i]->append(chunk, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& p : fds)
    if (p.fd >= 0) ::close(p.fd);

  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (timedOut || deadline.passed()) {
      timedOut = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    Sleep(milliseconds{5});
  }
  if (timedOut) {
    throw std::runtime_error("'" + Join(argv, " ") + "' did not finish within " +
                             std::to_string(timeout.count()) + " ms; stdout:\n" + result.out +
                             "\nstderr:\n" + result.err);
  }
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string InfoField(const std::string& info, const std::string& field) {
  std::istringstream in(info);
  std::string line;
  const std::string prefix = field + ":";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (StartsWith(line, prefix)) return line.substr(prefix.size());
  }
  return "";
}

// ---- RedisServer ----

RedisServer::RedisServer() : RedisServer(Options{}) {}

RedisServer::RedisServer(Options options) : options_(std::move(options)), dir_(MakeTempDir()) {
  try {
    launchAndWait(true);
  } catch (...) {
    kill();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

RedisServer::~RedisServer() {
  try {
    kill();
  } catch (...) {
  }
  const char* keep = std::getenv("SIO_REDIS_KEEP_DIRS");
  if (keep && std::string(keep) == "1") {
    std::cerr << "[redis_test] kept " << dir_ << "\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::url() const {
  return "redis://" + address();
}
std::string RedisServer::address() const {
  return Address(port_);
}

void RedisServer::writeConfig() {
  std::ofstream out(configFile(), std::ios::trunc);
  out << "# generated by the socketio-cpp Redis test fixtures\n"
      << "port " << port_ << "\n"
      << "bind 127.0.0.1\n"
      << "dir " << Quote(dir_.string()) << "\n"
      << "logfile \"\"\n"
      << "daemonize no\n";
  if (options_.mode == Mode::Sentinel) {
    out << "sentinel resolve-hostnames no\n";
  } else {
    out << "save \"\"\n"
        << "appendonly " << (options_.appendOnly ? "yes" : "no") << "\n";
    if (options_.appendOnly) out << "appendfsync always\n";
    out << "enable-debug-command yes\n"
        << "repl-diskless-sync-delay 0\n";
    if (!options_.password.empty())
      out << "requirepass " << Quote(options_.password) << "\n"
          << "masterauth " << Quote(options_.password) << "\n";
    for (const auto& user : options_.aclUsers)
      out << (StartsWith(user, "user ") ? "" : "user ") << user << "\n";
    if (options_.clusterEnabled)
      out << "cluster-enabled yes\n"
          << "cluster-config-file nodes.conf\n"
          << "cluster-port " << busPort_ << "\n"
          << "cluster-node-timeout " << options_.clusterNodeTimeoutMs << "\n";
  }
  for (const auto& line : options_.extraConfig) out << line << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + configFile().string());
}

void RedisServer::launchAndWait(bool mayChangePort) {
  Deadline deadline(options_.timeout);
  int portRetries = 0;
  bool newPorts = mayChangePort;
  for (;;) {
    if (newPorts) {
      auto ports = FreePorts(options_.clusterEnabled ? 2 : 1);
      port_ = ports[0];
      busPort_ = options_.clusterEnabled ? ports[1] : 0;
      writeConfig();
    }
    std::error_code sizeError;
    std::uintmax_t logOffset = std::filesystem::file_size(logFile(), sizeError);
    if (sizeError) logOffset = 0;
    int logFd = ::open(logFile().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) throw std::runtime_error(ErrnoText("open " + logFile().string()));
    std::vector<std::string> argv = {"redis-server", configFile().string()};
    if (options_.mode == Mode::Sentinel) argv.push_back("--sentinel");
    try {
      pid_ = Spawn(argv, logFd, logFd);
    } catch (...) {
      ::close(logFd);
      throw;
    }
    ::close(logFd);

    std::string lastProblem = "no answer yet";
    for (;;) {
      if (!running()) {
        const std::string log = ReadFileFrom(logFile(), logOffset);
        const bool portTaken = log.find("Address already in use") != std::string::npos;
        if (portTaken && mayChangePort && ++portRetries <= 10) {
          newPorts = true;
          break;
        }
        if (portTaken && !mayChangePort && !deadline.passed()) {
          Sleep(milliseconds{250});
          newPorts = false;
          break;
        }
        throw std::runtime_error("redis-server (port " + std::to_string(port_) + ") " +
                                 DescribeStatus(exitStatus_) + " during start; log:\n" + logTail());
      }
      try {
        auto replies = RespPipeline(port_, {{"PING"}, {"INFO", "server"}}, options_.password,
                                    milliseconds{2000});
        const RespReply& ping = replies[0];
        const RespReply& info = replies[1];
        if (ping.isError() && (StartsWith(ping.str, "LOADING") || StartsWith(ping.str, "BUSY"))) {
          lastProblem = ping.str;
        } else if (info.type == RespReply::Type::Bulk) {
          if (InfoField(info.str, "process_id") == std::to_string(pid_)) return;
          // Another process answers on this port: ours will fail to bind and exit.
          lastProblem = "port " + std::to_string(port_) + " answered by process " +
                        InfoField(info.str, "process_id");
        } else {
          // e.g. NOAUTH when the ACL users lock out the default user: it does answer.
          return;
        }
      } catch (const std::exception& e) {
        lastProblem = e.what();
      }
      if (deadline.passed()) {
        kill();
        throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                                 " not ready within " + std::to_string(options_.timeout.count()) +
                                 " ms (" + lastProblem + "); log:\n" + logTail());
      }
      Sleep(milliseconds{20});
    }
  }
}

bool RedisServer::running() {
  if (pid_ <= 0) return false;
  int status;
  pid_t w;
  do {
    w = ::waitpid(pid_, &status, WNOHANG);
  } while (w < 0 && errno == EINTR);
  if (w == 0) return true;
  if (w == pid_) exitStatus_ = status;
  pid_ = -1;
  return false;
}

void RedisServer::signalGroup(int sig) {
  if (pid_ <= 0) return;
  if (::kill(-pid_, sig) != 0) ::kill(pid_, sig);
}

bool RedisServer::waitExit(milliseconds timeout) {
  Deadline deadline(timeout);
  while (pid_ > 0) {
    // WNOWAIT: see the exit without reaping, so the process group id stays ours while we
    // SIGKILL leftovers (e.g. an AOF rewrite child).
    siginfo_t info{};
    int r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0 && info.si_pid == pid_) {
      ::kill(-pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return true;
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return true;
    }
    if (deadline.passed()) return false;
    Sleep(milliseconds{10});
  }
  return true;
}

void RedisServer::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);  // in case it was pause()d
  if (!waitExit(options_.timeout)) kill();
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  signalGroup(SIGKILL);
  waitExit(milliseconds{60000});
}

void RedisServer::start() {
  if (running())
    throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                             " is already running");
  launchAndWait(false);
}

void RedisServer::restart() {
  stop();
  start();
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"redis-cli", "-h", "127.0.0.1", "-p", std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env;
  if (!options_.password.empty()) env["REDISCLI_AUTH"] = options_.password;
  ProgramResult r = RunProgram(argv, env, options_.timeout);
  if (r.exitCode != 0)
    throw std::runtime_error("'" + Join(argv, " ") + "' exited with " + std::to_string(r.exitCode) +
                             ": " + r.err + r.out);
  return TrimTrailingNewlines(r.out);
}

RespReply RedisServer::command(const std::vector<std::string>& args) const {
  return RespCommand(port_, args, options_.password);
}

RespReply RedisServer::commandOk(const std::vector<std::string>& args) const {
  RespReply r = command(args);
  if (r.isError())
    throw std::runtime_error("'" + Join(args, " ") + "' on port " + std::to_string(port_) +
                             " failed: " + r.str);
  return r;
}

std::string RedisServer::info(const std::string& section) const {
  return commandOk(section.empty() ? std::vector<std::string>{"INFO"}
                                   : std::vector<std::string>{"INFO", section})
      .str;
}

std::string RedisServer::logTail(std::size_t bytes) const {
  return ReadFileTail(logFile(), bytes);
}

// ---- RedisCluster ----

RedisCluster::RedisCluster() : RedisCluster(Options{}) {}

RedisCluster::RedisCluster(Options options) : options_(std::move(options)) {
  const int total = options_.masters * (1 + options_.replicasPerMaster);
  RedisServer::Options nodeOptions;
  nodeOptions.clusterEnabled = true;
  nodeOptions.clusterNodeTimeoutMs = options_.nodeTimeoutMs;
  nodeOptions.appendOnly = options_.appendOnly;
  nodeOptions.password = options_.password;
  nodeOptions.extraConfig = options_.extraConfig;
  nodeOptions.timeout = options_.timeout;
  for (int i = 0; i < total; ++i) nodes_.push_back(std::make_unique<RedisServer>(nodeOptions));

  std::vector<std::string> argv = {"redis-cli", "--cluster", "create"};
  for (const auto& n : nodes_) argv.push_back(n->address());
  argv.insert(argv.end(),
              {"--cluster-replicas", std::to_string(options_.replicasPerMaster), "--cluster-yes"});
  std::map<std::string, std::string> env;
  if (!options_.password.empty()) env["REDISCLI_AUTH"] = options_.password;
  ProgramResult r = RunProgram(argv, env, options_.timeout + options_.timeout);
  if (r.exitCode != 0)
    throw std::runtime_error("'" + Join(argv, " ") + "' failed (exit " +
                             std::to_string(r.exitCode) + "):\n" + r.out + r.err);
  waitHealthy();
}

RedisCluster::~RedisCluster() = default;

std::vector<std::string> RedisCluster::seedUrls() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n->url());
  return out;
}

std::vector<std::string> RedisCluster::seedAddresses() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n->address());
  return out;
}

std::vector<RedisServer*> RedisCluster::nodes() const {
  std::vector<RedisServer*> out;
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

std::vector<RedisServer*> RedisCluster::masters() const {
  std::vector<RedisServer*> out;
  for (const auto& n : nodes_)
    if (n->running() && Role(*n).first == "master") out.push_back(n.get());
  return out;
}

std::vector<RedisServer*> RedisCluster::replicasOf(const RedisServer& master) const {
  std::vector<RedisServer*> out;
  for (const auto& n : nodes_) {
    if (!n->running()) continue;
    auto [role, masterPort] = Role(*n);
    if (role == "slave" && masterPort == master.port()) out.push_back(n.get());
  }
  return out;
}

RedisServer& RedisCluster::anyRunning() const {
  for (const auto& n : nodes_)
    if (n->running()) return *n;
  throw std::runtime_error("no cluster node is running");
}

RedisServer& RedisCluster::nodeByPort(int port) const {
  for (const auto& n : nodes_)
    if (n->port() == port) return *n;
  throw std::runtime_error("no cluster node on port " + std::to_string(port));
}

RedisServer& RedisCluster::nodeForSlot(int slot) const {
  RespReply slots = anyRunning().commandOk({"CLUSTER", "SLOTS"});
  for (const auto& range : slots.elements) {
    if (range.elements.size() < 3) continue;
    if (slot >= range.elements[0].integer && slot <= range.elements[1].integer)
      return nodeByPort(static_cast<int>(range.elements[2].elements.at(1).integer));
  }
  throw std::runtime_error("slot " + std::to_string(slot) +
                           " is not served (CLUSTER SLOTS: " + slots.toString() + ")");
}

std::string RedisCluster::nodeId(const RedisServer& node) const {
  auto it = ids_.find(node.port());
  if (it != ids_.end()) return it->second;
  std::string id = node.commandOk({"CLUSTER", "MYID"}).str;
  ids_[node.port()] = id;
  return id;
}

int RedisCluster::keySlot(const std::string& key) const {
  return static_cast<int>(anyRunning().commandOk({"CLUSTER", "KEYSLOT", key}).integer);
}

void RedisCluster::beginSlotMigration(int slot, RedisServer& from, RedisServer& to) {
  const std::string s = std::to_string(slot);
  to.commandOk({"CLUSTER", "SETSLOT", s, "IMPORTING", nodeId(from)});
  from.commandOk({"CLUSTER", "SETSLOT", s, "MIGRATING", nodeId(to)});
}

std::size_t RedisCluster::migrateSlotKeys(int slot, RedisServer& from, RedisServer& to) {
  std::size_t moved = 0;
  for (;;) {
    RespReply keys = from.commandOk({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "100"});
    if (keys.elements.empty()) return moved;
    std::vector<std::string> cmd = {"MIGRATE", "127.0.0.1", std::to_string(to.port()),
                                    "",        "0",         "10000"};
    if (!options_.password.empty()) cmd.insert(cmd.end(), {"AUTH", options_.password});
    cmd.push_back("KEYS");
    for (const auto& k : keys.elements) cmd.push_back(k.str);
    from.commandOk(cmd);
    moved += keys.elements.size();
  }
}

void RedisCluster::finishSlotMigration(int slot, RedisServer& from, RedisServer& to) {
  const std::string s = std::to_string(slot);
  const std::string toId = nodeId(to);
  to.commandOk({"CLUSTER", "SETSLOT", s, "NODE", toId});
  from.commandOk({"CLUSTER", "SETSLOT", s, "NODE", toId});
  for (RedisServer* m : masters())
    if (m != &from && m != &to) m->commandOk({"CLUSTER", "SETSLOT", s, "NODE", toId});
}

void RedisCluster::migrateSlot(int slot, RedisServer& from, RedisServer& to) {
  beginSlotMigration(slot, from, to);
  migrateSlotKeys(slot, from, to);
  finishSlotMigration(slot, from, to);
  waitHealthy();
}

void RedisCluster::failover(RedisServer& replica, FailoverMode mode) {
  if (Role(replica).first != "slave")
    throw std::runtime_error("failover: node " + replica.address() + " is not a replica");
  std::vector<std::string> cmd = {"CLUSTER", "FAILOVER"};
  if (mode == FailoverMode::Force) cmd.push_back("FORCE");
  if (mode == FailoverMode::Takeover) cmd.push_back("TAKEOVER");
  Deadline deadline(options_.timeout);
  replica.commandOk(cmd);
  auto sent = Clock::now();
  while (Role(replica).first != "master") {
    if (deadline.passed())
      throw std::runtime_error("failover: " + replica.address() + " not master within " +
                               std::to_string(options_.timeout.count()) + " ms; log:\n" +
                               replica.logTail());
    // A manual failover gives up after 5 s (e.g. when the master is slow): ask again.
    if (Clock::now() - sent > milliseconds{8000}) {
      replica.commandOk(cmd);
      sent = Clock::now();
    }
    Sleep(kPollInterval);
  }
  waitHealthy();
}

std::string RedisCluster::clusterProblem() {
  std::vector<RedisServer*> live;
  for (const auto& n : nodes_)
    if (n->running()) live.push_back(n.get());
  if (live.empty()) return "no node is running";
  std::map<std::string, RedisServer*> liveIds;
  for (RedisServer* n : live) liveIds[nodeId(*n)] = n;

  std::map<std::string, std::string> firstView;
  RedisServer* firstNode = nullptr;
  for (RedisServer* n : live) {
    auto replies = RespPipeline(n->port(), {{"CLUSTER", "INFO"}, {"CLUSTER", "NODES"}},
                                options_.password, milliseconds{5000});
    if (replies[0].isError() || replies[1].isError())
      return n->address() + ": " + replies[0].toString() + " / " + replies[1].toString();
    const std::string state = InfoField(replies[0].str, "cluster_state");
    if (state != "ok") return n->address() + " has cluster_state:" + state;

    std::map<std::string, std::string> view;
    std::istringstream lines(replies[1].str);
    std::string line;
    while (std::getline(lines, line)) {
      auto w = SplitWords(line);
      if (w.size() < 8 || !liveIds.count(w[0])) continue;
      const std::string& flags = w[2];
      const std::string who = liveIds[w[0]]->address();
      for (const char* bad : {"fail", "handshake", "noaddr"})
        if (flags.find(bad) != std::string::npos)
          return n->address() + " sees " + who + " as " + flags;
      if (flags.find("myself") == std::string::npos && w[7] != "connected")
        return n->address() + " has no link to " + who;
      const bool master = flags.find("master") != std::string::npos;
      std::vector<std::string> slots;
      for (std::size_t i = 8; i < w.size(); ++i)
        if (w[i].front() != '[') slots.push_back(w[i]);
      view[w[0]] = (master ? "master - " : "slave " + w[3] + " ") + Join(slots, " ");
    }
    if (view.size() != liveIds.size())
      return n->address() + " knows " + std::to_string(view.size()) + " of the " +
             std::to_string(liveIds.size()) + " running nodes";
    if (!firstNode) {
      firstNode = n;
      firstView = view;
    } else if (view != firstView) {
      for (const auto& [id, desc] : view)
        if (firstView[id] != desc)
          return n->address() + " sees " + liveIds[id]->address() + " as '" + desc + "' but " +
                 firstNode->address() + " as '" + firstView[id] + "'";
    }
  }

  std::bitset<kSlots> covered;
  for (const auto& [id, desc] : firstView) {
    auto w = SplitWords(desc);
    if (w.at(0) != "master") continue;
    for (std::size_t i = 2; i < w.size(); ++i) {
      auto dash = w[i].find('-');
      int lo = std::stoi(w[i].substr(0, dash));
      int hi = dash == std::string::npos ? lo : std::stoi(w[i].substr(dash + 1));
      for (int s = lo; s <= hi && s < kSlots; ++s) covered.set(static_cast<std::size_t>(s));
    }
  }
  if (!covered.all())
    return std::to_string(kSlots - covered.count()) + " slots not served by a running master";

  for (const auto& [id, desc] : firstView) {
    if (!StartsWith(desc, "slave")) continue;
    RedisServer* replica = liveIds[id];
    const std::string link = InfoField(replica->info("replication"), "master_link_status");
    if (link != "up") return "replica " + replica->address() + " master_link_status:" + link;
  }
  return "";
}

void RedisCluster::waitHealthy() {
  Deadline deadline(options_.timeout);
  std::string problem;
  for (;;) {
    try {
      problem = clusterProblem();
    } catch (const std::exception& e) {
      problem = e.what();
    }
    if (problem.empty()) return;
    if (deadline.passed())
      throw std::runtime_error("cluster not healthy within " +
                               std::to_string(options_.timeout.count()) + " ms: " + problem);
    Sleep(kPollInterval * 2);
  }
}

// ---- RedisSentinelSetup ----

RedisSentinelSetup::RedisSentinelSetup() : RedisSentinelSetup(Options{}) {}

RedisSentinelSetup::RedisSentinelSetup(Options options) : options_(std::move(options)) {
  RedisServer::Options dataOptions;
  dataOptions.password = options_.password;
  dataOptions.appendOnly = options_.appendOnly;
  dataOptions.timeout = options_.timeout;
  data_.push_back(std::make_unique<RedisServer>(dataOptions));
  const int masterPort = data_[0]->port();
  dataOptions.extraConfig.push_back("replicaof 127.0.0.1 " + std::to_string(masterPort));
  data_.push_back(std::make_unique<RedisServer>(dataOptions));

  Deadline linkDeadline(options_.timeout);
  while (InfoField(data_[1]->info("replication"), "master_link_status") != "up") {
    if (linkDeadline.passed())
      throw std::runtime_error("replica " + data_[1]->address() + " did not sync with " +
                               data_[0]->address() + "; log:\n" + data_[1]->logTail());
    Sleep(kPollInterval);
  }

  RedisServer::Options sentinelOptions;
  sentinelOptions.mode = RedisServer::Mode::Sentinel;
  sentinelOptions.timeout = options_.timeout;
  const std::string& name = options_.masterName;
  sentinelOptions.extraConfig = {
      "sentinel monitor " + name + " 127.0.0.1 " + std::to_string(masterPort) + " " +
          std::to_string(options_.quorum),
      "sentinel down-after-milliseconds " + name + " " + std::to_string(options_.downAfterMs),
      "sentinel failover-timeout " + name + " " + std::to_string(options_.failoverTimeoutMs),
  };
  if (!options_.password.empty())
    sentinelOptions.extraConfig.push_back("sentinel auth-pass " + name + " " +
                                          Quote(options_.password));
  for (int i = 0; i < options_.sentinels; ++i) {
    sentinels_.push_back(std::make_unique<RedisServer>(sentinelOptions));
    applyFastTimers(*sentinels_.back());
  }
  waitHealthy();
}

RedisSentinelSetup::~RedisSentinelSetup() {
  // Sentinels first, so that they do not react to the data nodes going away.
  sentinels_.clear();
  data_.clear();
}

void RedisSentinelSetup::applyFastTimers(RedisServer& sentinel) {
  if (!options_.fastSentinelTimers) return;
  sentinel.commandOk({"SENTINEL", "DEBUG", "info-period", "1000", "publish-period", "500"});
}

std::vector<std::string> RedisSentinelSetup::sentinelAddresses() const {
  std::vector<std::string> out;
  for (const auto& s : sentinels_) out.push_back(s->address());
  return out;
}

std::vector<RedisServer*> RedisSentinelSetup::sentinels() const {
  std::vector<RedisServer*> out;
  for (const auto& s : sentinels_) out.push_back(s.get());
  return out;
}

std::vector<RedisServer*> RedisSentinelSetup::dataNodes() const {
  std::vector<RedisServer*> out;
  for (const auto& d : data_) out.push_back(d.get());
  return out;
}

std::string RedisSentinelSetup::currentMaster() const {
  std::string lastError = "no sentinel is running";
  for (const auto& s : sentinels_) {
    if (!s->running()) continue;
    try {
      RespReply r = s->command({"SENTINEL", "get-master-addr-by-name", options_.masterName});
      if (r.type == RespReply::Type::Array && r.elements.size() == 2)
        return r.elements[0].str + ":" + r.elements[1].str;
      lastError = s->address() + ": " + r.toString();
    } catch (const std::exception& e) {
      lastError = e.what();
    }
  }
  throw std::runtime_error("currentMaster: " + lastError);
}

RedisServer& RedisSentinelSetup::dataNodeAt(const std::string& address) const {
  for (const auto& d : data_)
    if (d->address() == address) return *d;
  throw std::runtime_error("no data node at " + address);
}

RedisServer& RedisSentinelSetup::master() const {
  return dataNodeAt(currentMaster());
}

RedisServer& RedisSentinelSetup::replica() const {
  RedisServer& m = master();
  for (const auto& d : data_)
    if (d.get() != &m) return *d;
  throw std::runtime_error("no replica");
}

std::string RedisSentinelSetup::sentinelProblem() {
  const std::string& name = options_.masterName;
  std::vector<RedisServer*> live;
  for (const auto& s : sentinels_)
    if (s->running()) live.push_back(s.get());
  if (live.empty()) return "no sentinel is running";

  std::string masterAddr;
  for (RedisServer* s : live) {
    RespReply r = s->command({"SENTINEL", "get-master-addr-by-name", name});
    if (r.type != RespReply::Type::Array || r.elements.size() != 2)
      return s->address() + " get-master-addr-by-name: " + r.toString();
    std::string addr = r.elements[0].str + ":" + r.elements[1].str;
    if (masterAddr.empty()) masterAddr = addr;
    if (addr != masterAddr)
      return "sentinels disagree on the master: " + masterAddr + " vs " + addr + " (" +
             s->address() + ")";
  }
  RedisServer& m = dataNodeAt(masterAddr);
  if (!m.running()) return "master " + masterAddr + " is not running";
  if (Role(m).first != "master") return masterAddr + " does not have role:master yet";

  std::vector<RedisServer*> replicas;
  for (const auto& d : data_) {
    if (d.get() == &m || !d->running()) continue;
    const std::string info = d->info("replication");
    if (InfoField(info, "role") != "slave" ||
        InfoField(info, "master_port") != std::to_string(m.port()) ||
        InfoField(info, "master_link_status") != "up")
      return "data node " + d->address() + " is not a synced replica of " + masterAddr +
             " (role:" + InfoField(info, "role") +
             " master_port:" + InfoField(info, "master_port") +
             " master_link_status:" + InfoField(info, "master_link_status") + ")";
    replicas.push_back(d.get());
  }

  for (RedisServer* s : live) {
    auto fields = FieldMap(s->commandOk({"SENTINEL", "MASTER", name}));
    if (fields["flags"] != "master")
      return s->address() + " sees the master with flags " + fields["flags"];
    if (fields["num-other-sentinels"] != std::to_string(options_.sentinels - 1))
      return s->address() + " knows " + fields["num-other-sentinels"] + " other sentinels";
    RespReply list = s->commandOk({"SENTINEL", "REPLICAS", name});
    for (RedisServer* rep : replicas) {
      bool ok = false;
      std::string seen = "not listed";
      for (const auto& entry : list.elements) {
        auto f = FieldMap(entry);
        if (f["port"] != std::to_string(rep->port())) continue;
        seen = "flags " + f["flags"] + ", master-link-status " + f["master-link-status"] +
               ", master-port " + f["master-port"];
        ok = f["flags"] == "slave" && f["master-link-status"] == "ok" &&
             f["master-port"] == std::to_string(m.port());
      }
      if (!ok) return s->address() + " sees replica " + rep->address() + ": " + seen;
    }
    RespReply quorum = s->command({"SENTINEL", "CKQUORUM", name});
    if (quorum.isError()) return s->address() + " CKQUORUM: " + quorum.str;
  }
  return "";
}

void RedisSentinelSetup::waitHealthy() {
  Deadline deadline(options_.timeout);
  std::string problem;
  for (;;) {
    try {
      problem = sentinelProblem();
    } catch (const std::exception& e) {
      problem = e.what();
    }
    if (problem.empty()) return;
    if (deadline.passed())
      throw std::runtime_error("sentinel setup not healthy within " +
                               std::to_string(options_.timeout.count()) + " ms: " + problem);
    Sleep(kPollInterval * 2);
  }
}

std::string RedisSentinelSetup::forceFailover() {
  const std::string& name = options_.masterName;
  const std::string oldAddr = currentMaster();
  RedisServer& oldMaster = dataNodeAt(oldAddr);
  Deadline deadline(options_.timeout);

  for (;;) {
    RedisServer* sentinel = nullptr;
    for (const auto& s : sentinels_)
      if (s->running()) {
        sentinel = s.get();
        break;
      }
    if (!sentinel) throw std::runtime_error("forceFailover: no sentinel is running");
    RespReply r = sentinel->command({"SENTINEL", "FAILOVER", name});
    if (!r.isError()) break;
    const bool retry =
        r.str.find("NOGOODSLAVE") != std::string::npos || r.str.find("INPROG") != std::string::npos;
    if (!retry || deadline.passed())
      throw std::runtime_error("SENTINEL FAILOVER " + name + " on " + sentinel->address() + ": " +
                               r.str);
    Sleep(kPollInterval * 4);
  }

  std::string newAddr;
  std::string problem;
  for (;;) {
    try {
      problem.clear();
      for (const auto& s : sentinels_) {
        if (!s->running()) continue;
        RespReply r = s->command({"SENTINEL", "get-master-addr-by-name", name});
        std::string addr =
            r.elements.size() == 2 ? r.elements[0].str + ":" + r.elements[1].str : r.toString();
        if (addr == oldAddr) {
          problem = s->address() + " still reports " + oldAddr;
          break;
        }
        newAddr = addr;
      }
      if (problem.empty()) {
        RedisServer& newMaster = dataNodeAt(newAddr);
        if (Role(newMaster).first != "master") {
          problem = newAddr + " does not have role:master yet";
        } else if (oldMaster.running()) {
          const std::string info = oldMaster.info("replication");
          if (InfoField(info, "role") != "slave" ||
              InfoField(info, "master_port") != std::to_string(newMaster.port()) ||
              InfoField(info, "master_link_status") != "up")
            problem = "old master " + oldAddr + " is not yet a synced replica of " + newAddr;
        }
      }
    } catch (const std::exception& e) {
      problem = e.what();
    }
    if (problem.empty()) break;
    if (deadline.passed())
      throw std::runtime_error("forceFailover not done within " +
                               std::to_string(options_.timeout.count()) + " ms: " + problem);
    Sleep(kPollInterval * 2);
  }
  waitHealthy();
  return newAddr;
}

}  // namespace sio::redis_test
