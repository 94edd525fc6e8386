// The chat page's logic: connects with the official Socket.IO client, joins a room with a
// nickname, sends and shows messages, and shows who is typing (a volatile notice).
"use strict";

const socket = io({ transports: ["polling", "websocket"] });
const $ = (id) => document.getElementById(id);

// With several nodes, a page whose node goes away moves to the next one; the client
// presents its session (pid, last offset) there and resumes where it was.
const nodes = [location.origin];
let nodeIndex = 0;
fetch("/config.json")
  .then((response) => response.json())
  .then((config) => nodes.push(...config.peers))
  .catch(() => {});
socket.io.on("reconnect_attempt", () => {
  if (nodes.length < 2) return;
  nodeIndex = (nodeIndex + 1) % nodes.length;
  socket.io.uri = nodes[nodeIndex];
});
const messages = $("messages");
const typingNow = new Map(); // nickname -> timer
let joined = null;

function show(text, kind = "info") {
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = text;
  messages.appendChild(item);
  messages.scrollTop = messages.scrollHeight;
}

function setStatus(online) {
  const where = nodes.length > 1 ? ` on ${new URL(socket.io.uri, location.href).host}` : "";
  $("status").textContent = online ? `online (${socket.io.engine.transport.name})${where}` : "offline";
  $("status").className = "status " + (online ? "online" : "offline");
}

function join() {
  socket.emit("join", { nickname: $("nickname").value, room: $("room").value }, (reply) => {
    joined = reply;
    $("room-info").textContent = `#${reply.room} as ${reply.nickname} — ${reply.users} here`;
    $("text").disabled = false;
    $("send").querySelector("button").disabled = false;
    show(`joined #${reply.room}`);
  });
}

socket.on("connect", () => {
  setStatus(true);
  socket.io.engine.on("upgrade", () => setStatus(true));
  if (socket.recovered) show("connection resumed: nothing was missed");
  else if (joined) join(); // a new session: join again
});
socket.on("disconnect", () => setStatus(false));
socket.on("chat message", (msg) => show(`${msg.from}: ${msg.text}`, "message"));
socket.on("joined", ({ nickname }) => show(`${nickname} joined`));
socket.on("left", ({ nickname }) => show(`${nickname} left`));
socket.on("typing", ({ nickname, typing }) => {
  clearTimeout(typingNow.get(nickname));
  if (typing) typingNow.set(nickname, setTimeout(() => { typingNow.delete(nickname); render(); }, 3000));
  else typingNow.delete(nickname);
  render();
});

function render() {
  const names = [...typingNow.keys()];
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

$("join").addEventListener("submit", (event) => {
  event.preventDefault();
  join();
});

let typingSent = false;
$("text").addEventListener("input", () => {
  const typing = $("text").value.length > 0;
  if (typing !== typingSent) socket.emit("typing", (typingSent = typing));
});

$("send").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  socket.emit("chat message", text);
  $("text").value = "";
  socket.emit("typing", (typingSent = false));
});
