// CORS headers as the `cors` npm package writes them.
#include <gtest/gtest.h>

#include "cors.hpp"

using namespace sio::engine;

namespace {
Request requestFrom(std::string method, std::string origin, HeaderList extra = {}) {
  Request request(method, "/");
  if (!origin.empty()) request.addHeader("origin", origin);
  for (auto& [name, value] : extra) request.addHeader(name, value);
  return request;
}
const std::string* find(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return &value;
  return nullptr;
}
}  // namespace

TEST(Cors, AnyOriginByDefault) {
  HttpResponse response;
  addCorsHeaders(CorsOptions{}, requestFrom("GET", "http://a.example"), response);
  ASSERT_TRUE(find(response, "Access-Control-Allow-Origin"));
  EXPECT_EQ(*find(response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(find(response, "Access-Control-Allow-Credentials"));
}

TEST(Cors, EchoesAllowedOriginWithCredentials) {
  CorsOptions cors;
  cors.origin = {"http://a.example", "http://b.example"};
  cors.credentials = true;
  HttpResponse allowed;
  addCorsHeaders(cors, requestFrom("GET", "http://b.example"), allowed);
  EXPECT_EQ(*find(allowed, "Access-Control-Allow-Origin"), "http://b.example");
  EXPECT_EQ(*find(allowed, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(*find(allowed, "Vary"), "Origin");

  HttpResponse refused;
  addCorsHeaders(cors, requestFrom("GET", "http://evil.example"), refused);
  EXPECT_FALSE(find(refused, "Access-Control-Allow-Origin"));
}

TEST(Cors, PredicateDecides) {
  CorsOptions cors;
  cors.originPredicate = [](std::string_view origin) { return origin.ends_with(".trusted"); };
  HttpResponse response;
  addCorsHeaders(cors, requestFrom("GET", "http://x.trusted"), response);
  EXPECT_EQ(*find(response, "Access-Control-Allow-Origin"), "http://x.trusted");
}

TEST(Cors, PreflightAnswersMethodsAndRequestedHeaders) {
  CorsOptions cors;
  cors.maxAge = 600;
  auto request = requestFrom(
      "OPTIONS", "http://a.example",
      {{"access-control-request-method", "POST"}, {"access-control-request-headers", "x-token"}});
  EXPECT_TRUE(isPreflight(request));
  auto response = preflightResponse(cors, request);
  EXPECT_EQ(response.status, 204u);
  EXPECT_EQ(*find(response, "Access-Control-Allow-Methods"), "GET,HEAD,PUT,PATCH,POST,DELETE");
  EXPECT_EQ(*find(response, "Access-Control-Allow-Headers"), "x-token");
  EXPECT_EQ(*find(response, "Access-Control-Max-Age"), "600");
  EXPECT_TRUE(response.body.empty());
}
