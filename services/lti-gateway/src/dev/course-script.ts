/**
 * The sample course's own script (served at /dev/course.js): checks quiz answers against the
 * item's data-answer, marks the item data-correct for the guide to read, shows feedback, and
 * plays a generated clip (a canvas animation as a video stream: no media file to ship).
 */
export const COURSE_SCRIPT = `"use strict";
for (const item of document.querySelectorAll("[data-quiz-item]")) {
  const form = item.querySelector("form");
  const input = item.querySelector("input");
  const feedback = item.querySelector(".feedback");
  if (!form || !input) continue;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const given = input.value.trim().replace(/^x\\s*=\\s*/i, "");
    const right = given !== "" && Number(given) === Number(item.getAttribute("data-answer"));
    item.setAttribute("data-correct", String(right));
    if (feedback) feedback.textContent = right ? "Correct." : "Not quite. Try again.";
  });
}

function drawBalance(ctx, w, h, t) {
  const phase = (t / 4000) % 1;
  const taken = phase > 0.5 ? 7 : Math.floor(phase * 14);
  ctx.fillStyle = "#f7f7fb";
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = "#333";
  ctx.fillRect(w / 2 - 3, 40, 6, h - 60);
  ctx.fillRect(40, 40, w - 80, 4);
  ctx.font = "16px sans-serif";
  ctx.fillText("3x + " + (7 - taken) + " = " + (22 - taken), 20, 24);
  for (let i = 0; i < 3; i++) { ctx.fillStyle = "#5b5bd6"; ctx.fillRect(50 + i * 22, 60, 18, 24); }
  for (let i = 0; i < 7 - taken; i++) { ctx.fillStyle = "#d68a5b"; ctx.fillRect(50 + (i % 5) * 14, 92 + Math.floor(i / 5) * 14, 10, 10); }
  for (let i = 0; i < 22 - taken; i++) { ctx.fillStyle = "#d68a5b"; ctx.fillRect(w / 2 + 20 + (i % 8) * 14, 60 + Math.floor(i / 8) * 14, 10, 10); }
}

for (const video of document.querySelectorAll("video[data-generated]")) {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 180;
  const ctx = canvas.getContext("2d");
  const frame = (t) => { if (ctx) drawBalance(ctx, canvas.width, canvas.height, t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  if (typeof canvas.captureStream === "function") {
    video.srcObject = canvas.captureStream(15);
    video.muted = true;
  }
}
`;
