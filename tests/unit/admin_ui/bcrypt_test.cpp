// bcrypt through libxcrypt: which strings are bcrypt hashes, hashes made by bcryptjs (what
// Node users of @socket.io/admin-ui store, "$2a$") verified here, including a non-ASCII
// password and bcrypt's 72-byte limit, and our own "$2b$" hashes.
#include "bcrypt.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sio::admin_ui {
namespace {

// bcryptjs 2.4.3: hashSync(password, 4)
struct Vector {
  std::string password;
  std::string hash;
};
const Vector kBcryptjs[] = {
    {"secret", "$2a$04$OeZUSGvx79sF6q0.yIcd0uDJ0PEHuNWWmTAxDjr7EhIn6cyDfaaPq"},
    {"p\xC3\xA4ssw\xC3\xB6rd \xE2\x9C\x93",
     "$2a$04$pDvL0IhULcaQlAd/eq7diePV4sMApD9pRIp64zJFJ3l4ilryIkZMe"},
    {std::string(72, 'x'), "$2a$04$cdVvh5XhhTZtTMEpyoFFKuKIyI/VFY6gOoXU2YH/uIDwKA0uNkQZy"},
    {"", "$2a$04$kzL0zaQdcdsYza/AdqNy.eurBJZF2wkoizEEPpCr3hLYwlmetPeqy"},
};

TEST(Bcrypt, RecognisesBcryptHashes) {
  for (const auto& v : kBcryptjs) EXPECT_TRUE(isBcryptHash(v.hash)) << v.hash;
  EXPECT_TRUE(isBcryptHash("$2b$04$Wy7Zyeffj1mS2L0KdOVhtecpmn7BqlW3.WazlLWMswoiSwQnJ0FCG"));
  EXPECT_TRUE(isBcryptHash("$2y$31$Wy7Zyeffj1mS2L0KdOVhtecpmn7BqlW3.WazlLWMswoiSwQnJ0FCG"));
  const std::string good = "$2a$04$OeZUSGvx79sF6q0.yIcd0uDJ0PEHuNWWmTAxDjr7EhIn6cyDfaaPq";
  for (std::string bad :
       {std::string(), std::string("secret"), good.substr(0, 59), good + "x",
        std::string("$2x$04$") + good.substr(7), std::string("$1a$04$") + good.substr(7),
        std::string("$2a$03$") + good.substr(7), std::string("$2a$32$") + good.substr(7),
        std::string("$2a$4$$") + good.substr(7), std::string("$2a$04$") + "!" + good.substr(8),
        std::string("$5$rounds=5000$usesomesillystri$KqJWpanXZHKq2BOB43TSaYhEWsQ1Lr5QNyPCDH/Tp.6")})
    EXPECT_FALSE(isBcryptHash(bad)) << bad;
}

TEST(Bcrypt, VerifiesHashesMadeByBcryptjs) {
  for (const auto& v : kBcryptjs) {
    EXPECT_TRUE(bcryptVerify(v.password, v.hash)) << v.hash;
    if (v.password.size() < 72) EXPECT_FALSE(bcryptVerify(v.password + "!", v.hash)) << v.hash;
  }
  EXPECT_FALSE(bcryptVerify("Secret", kBcryptjs[0].hash));
  EXPECT_FALSE(bcryptVerify("secret", kBcryptjs[1].hash));
  // bcrypt reads 72 bytes: what follows does not count
  EXPECT_TRUE(bcryptVerify(std::string(72, 'x') + "tail", kBcryptjs[2].hash));
  EXPECT_FALSE(bcryptVerify(std::string(71, 'x'), kBcryptjs[2].hash));
}

TEST(Bcrypt, RefusesWhatCannotMatch) {
  EXPECT_FALSE(bcryptVerify("secret", "secret"));
  EXPECT_FALSE(bcryptVerify("secret", ""));
  // C strings end at NUL: a password with one is refused, never cut short
  EXPECT_FALSE(bcryptVerify(std::string("secret\0more", 11), kBcryptjs[0].hash));
}

TEST(Bcrypt, HashesWithARandomSalt) {
  std::string a = bcryptHash("correct horse", 4);
  std::string b = bcryptHash("correct horse", 4);
  EXPECT_TRUE(isBcryptHash(a)) << a;
  EXPECT_EQ(a.substr(0, 7), "$2b$04$");
  EXPECT_NE(a, b);
  EXPECT_TRUE(bcryptVerify("correct horse", a));
  EXPECT_TRUE(bcryptVerify("correct horse", b));
  EXPECT_FALSE(bcryptVerify("correct horse!", a));
  EXPECT_EQ(bcryptHash("x", 10).substr(0, 7), "$2b$10$");
}

TEST(Bcrypt, RefusesABadCostOrANulByte) {
  EXPECT_THROW(bcryptHash("x", 3), std::invalid_argument);
  EXPECT_THROW(bcryptHash("x", 32), std::invalid_argument);
  EXPECT_THROW(bcryptHash(std::string("a\0b", 3), 4), std::invalid_argument);
}

}  // namespace
}  // namespace sio::admin_ui
