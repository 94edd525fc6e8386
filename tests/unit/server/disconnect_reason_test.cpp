// The server's disconnect reasons: spelled as socket.io spells them, and recovery kept for
// exactly socket.io's RECOVERABLE_DISCONNECT_REASONS.
#include "sio/server/disconnect_reason.hpp"

#include <gtest/gtest.h>

#include "sio/server/handler_error.hpp"

namespace dr = sio::disconnect_reason;

TEST(DisconnectReason, RecoverableAsSocketIo) {
  for (std::string_view reason : {"transport error", "transport close", "forced close",
                                  "ping timeout", "server shutting down", "forced server close"})
    EXPECT_TRUE(dr::isRecoverable(reason)) << reason;
}

TEST(DisconnectReason, LeavingOnPurposeOrOnBadInputIsNotRecoverable) {
  for (std::string_view reason : std::initializer_list<std::string_view>{
           "server namespace disconnect", "client namespace disconnect", "parse error",
           std::string_view(sio::kHandlerErrorReason), "", "transport  close"})
    EXPECT_FALSE(dr::isRecoverable(reason)) << reason;
}

TEST(DisconnectReason, ServerReasonsAreSpelledAsSocketIo) {
  EXPECT_EQ(dr::kServerNamespaceDisconnect, "server namespace disconnect");
  EXPECT_EQ(dr::kClientNamespaceDisconnect, "client namespace disconnect");
  EXPECT_EQ(dr::kServerShuttingDown, "server shutting down");
  EXPECT_EQ(dr::kForcedServerClose, "forced server close");
}
