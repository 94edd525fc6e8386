// sio-bench: how a client ends its TCP connection. A reset (SO_LINGER 0) leaves no
// TIME_WAIT behind, so that hundreds of thousands of connections do not exhaust the ports;
// a plain close sends a FIN, as a client that simply goes away does. The hostile-client
// workloads (churn) use both, to see that the server frees what it held either way.
#pragma once

namespace sio::bench {

enum class TcpClose { Reset, Fin };

}  // namespace sio::bench
