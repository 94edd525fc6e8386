// The "sio" error category, and the one table from the messages the callback forms report
// (Node's exact strings) to the codes the completion-token forms report.
#include "sio/adapter/errors.hpp"

#include <string>
#include <string_view>

namespace sio {
namespace {

struct Entry {
  Errc code;
  std::string_view message;  // the callback form's message, or the beginning of it
  bool prefix;
};

// Node's messages first: a code's message() is its first entry's text.
constexpr Entry kTable[] = {
    {Errc::AckTimeout, "operation has timed out", false},
    {Errc::RequestTimeout, "timeout reached", true},
    {Errc::AdapterClosed, "the adapter was closed", false},
    {Errc::NotSupported, "not supported by this adapter", false},
    {Errc::NotSupported, "acknowledgements are not supported on a parent namespace", false},
    {Errc::SocketNotFound, "socket not found", false},
    {Errc::Failed, "operation failed", false},
};

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "sio"; }
  std::string message(int value) const override {
    for (const auto& entry : kTable)
      if (static_cast<int>(entry.code) == value) return std::string(entry.message);
    return "unknown sio error";
  }
};

}  // namespace

const boost::system::error_category& errorCategory() {
  static const Category category;
  return category;
}

boost::system::error_code toErrorCode(const std::optional<Error>& error) {
  if (!error) return {};
  for (const auto& entry : kTable) {
    std::string_view message = error->message;
    if (entry.prefix ? message.substr(0, entry.message.size()) == entry.message
                     : message == entry.message)
      return entry.code;
  }
  return Errc::Failed;
}

Error toError(Errc e) {
  return Error{make_error_code(e).message(), std::nullopt};
}

}  // namespace sio
