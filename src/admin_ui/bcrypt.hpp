// bcrypt, as the Admin UI's basic auth stores its password: checking that a string is a
// bcrypt hash, verifying a password against one, and hashing. Done by the system's
// libxcrypt (crypt_rn, crypt_gensalt_rn), which reads "$2a$", "$2b$" and "$2y$" hashes
// (bcryptjs writes "$2a$"). Verifying costs what the hash's cost says (cost 10: tens of
// milliseconds): callers keep it off the server's thread.
#pragma once

#include <string>
#include <string_view>

namespace sio::admin_ui {

// "$2a$NN$" / "$2b$NN$" / "$2y$NN$" with NN from 04 to 31, then 53 characters of bcrypt's
// base64 (22 of salt, 31 of hash).
bool isBcryptHash(std::string_view hash);

// True when `password` hashes to `hash` (compared in constant time). False for a hash that
// is not bcrypt's, or a password with a NUL byte (C strings end there: refused, not cut).
bool bcryptVerify(std::string_view password, const std::string& hash);

// A new "$2b$" hash with a random salt. Throws std::invalid_argument for a cost out of
// 4..31 or a password with a NUL byte, std::runtime_error when libxcrypt fails.
std::string bcryptHash(std::string_view password, int cost);

}  // namespace sio::admin_ui
