// The chat page's logic: connects with the official Socket.IO client, joins a room with a
// nickname, sends and shows messages, and shows who is typing (a volatile notice).
"use strict";

const socket = io({ transports: ["polling", "websocket"] });
const $ = (id) => document.getElementById(id);
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
  $("status").textContent = online ? `online (${socket.io.engine.transport.name})` : "offline";
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
  if (joined) join(); // after a reconnection, join again
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
