// bcrypt through libxcrypt: crypt_rn with the stored hash as its setting gives the hash of
// the candidate password, compared byte by byte without an early exit.
#include "bcrypt.hpp"

#include <crypt.h>

#include <memory>
#include <stdexcept>

namespace sio::admin_ui {
namespace {

bool isBcryptBase64(char c) {
  return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9');
}

bool equalInConstantTime(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

bool isBcryptHash(std::string_view hash) {
  // $2?$NN$ + 53
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
    return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return false;
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  for (size_t i = 7; i < hash.size(); ++i)
    if (!isBcryptBase64(hash[i])) return false;
  return true;
}

bool bcryptVerify(std::string_view password, const std::string& hash) {
  if (!isBcryptHash(hash) || password.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();  // ~32 KB: not on the stack
  std::string phrase(password);
  const char* computed = crypt_rn(phrase.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  if (!computed || computed[0] == '*') return false;
  return equalInConstantTime(computed, hash);
}

std::string bcryptHash(std::string_view password, int cost) {
  if (cost < 4 || cost > 31) throw std::invalid_argument("bcrypt cost must be from 4 to 31");
  if (password.find('\0') != std::string_view::npos)
    throw std::invalid_argument("a bcrypt password cannot hold a NUL byte");
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // no random bytes given: libxcrypt takes them from the system
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                        sizeof(setting)))
    throw std::runtime_error("crypt_gensalt_rn failed for bcrypt");
  auto data = std::make_unique<crypt_data>();
  std::string phrase(password);
  const char* hash = crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  if (!hash || hash[0] == '*') throw std::runtime_error("crypt_rn failed for bcrypt");
  return hash;
}

}  // namespace sio::admin_ui
