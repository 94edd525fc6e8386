// instrument() and adminUiHashPassword(): the public entry points. Options are checked
// here, with admin-ui's messages, before anything is registered on the server.
#include <stdexcept>

#include "admin_ui.hpp"
#include "bcrypt.hpp"
#include "sio/server/admin_ui.hpp"

namespace sio {

void instrument(Server& server, AdminUiOptions options) {
  if (!options.auth)
    throw std::invalid_argument(
        "the `auth` option must be specified or explicitly set to `false` (AdminUiNoAuth)");
  if (const auto* basic = std::get_if<AdminUiBasicAuth>(&*options.auth))
    if (!admin_ui::isBcryptHash(basic->password))
      throw std::invalid_argument("the `password` field must be a valid bcrypt hash");
  auto ui = std::make_shared<admin_ui::AdminUi>(server, std::move(options));
  ui->start();
}

std::string adminUiHashPassword(std::string_view password, int cost) {
  return admin_ui::bcryptHash(password, cost);
}

}  // namespace sio
