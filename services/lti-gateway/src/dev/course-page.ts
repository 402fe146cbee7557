import { escapeHtml, ICON_LINK } from "../lti/html";
import { type DevLaunch, type DevRole, devLaunchQuery, devUserOf, SAMPLE_COURSES } from "./lms";
import { type Block, type CoursePage, type QuizItem, SAMPLE_PAGES } from "./sample-course";

const STYLE = `
body { margin: 0; font: 16px/1.55 system-ui, sans-serif; color: #1d1d28; }
.course { margin-right: 440px; padding: 1.5rem 2rem 40vh; max-width: 46rem; }
.course nav a { margin-right: 1rem; }
.course nav a[aria-current] { font-weight: 600; }
.course section { margin: 2.5rem 0; }
.quiz-item form { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
.quiz-item input { width: 5rem; font: inherit; }
.feedback { min-height: 1.5em; color: #444; }
[data-graded="true"] label::after { content: " (graded)"; color: #8a3b00; }
video { width: 320px; height: 180px; background: #eee; }
.guide { position: fixed; top: 0; right: 0; width: 420px; height: 100vh; border: 0; border-left: 1px solid #ddd; }
`;

function quizItem(item: QuizItem): string {
  const inputId = `answer-${item.id}`;
  return `<div class="quiz-item" data-quiz-item="${escapeHtml(item.id)}" data-skill="${escapeHtml(item.skill)}" data-answer="${escapeHtml(item.answer)}"${item.graded ? ' data-graded="true"' : ""}>
<form><label for="${inputId}">${escapeHtml(item.prompt)}</label> <input id="${inputId}" name="answer" inputmode="decimal" autocomplete="off"> <button type="submit">Check</button></form>
<p class="feedback" aria-live="polite"></p>
</div>`;
}

function block(b: Block): string {
  const open = (type: string) =>
    `<section data-guide-block="${escapeHtml(b.id)}" data-content-type="${type}" aria-labelledby="h-${escapeHtml(b.id)}">
<h2 id="h-${escapeHtml(b.id)}">${escapeHtml(b.heading)}</h2>`;
  switch (b.kind) {
    case "text":
      return `${open("text")}${b.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}</section>`;
    case "formula":
      // Fixed MathML written in sample-course.ts, not user input.
      return `${open("formula")}${b.mathml}<p>${escapeHtml(b.caption)}</p></section>`;
    case "video":
      return `${open("video")}<video data-generated controls playsinline aria-describedby="cap-${escapeHtml(b.id)}"></video><p id="cap-${escapeHtml(b.id)}">${escapeHtml(b.caption)}</p></section>`;
    case "quiz":
      return `${open("quiz")}${b.intro ? `<p>${escapeHtml(b.intro)}</p>` : ""}${b.items.map(quizItem).join("\n")}</section>`;
  }
}

export function findPage(slug: string): CoursePage | undefined {
  return SAMPLE_PAGES.find((p) => p.slug === slug);
}

/** A course page with the guide launched next to it through the built-in LMS. */
export function coursePageHtml(page: CoursePage, launch: DevLaunch): string {
  const query = escapeHtml(devLaunchQuery(launch));
  const nav = SAMPLE_PAGES.map(
    (p) =>
      `<a href="/dev/course/${p.slug}?${query}"${p.slug === page.slug ? ' aria-current="page"' : ""}>${escapeHtml(p.title)}</a>`,
  ).join("");
  const course = SAMPLE_COURSES.find((c) => c.id === launch.course) ?? SAMPLE_COURSES[0];
  const who = `${devUserOf(launch).name} (${launch.role})`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Sample course</title>${ICON_LINK}<style>${STYLE}</style></head>
<body>
<main class="course" aria-label="Sample course">
<p><a href="/">${escapeHtml(course.title)}</a> · ${escapeHtml(who)}</p>
<nav aria-label="Course pages">${nav}</nav>
<h1>${escapeHtml(page.title)}</h1>
${page.blocks.map(block).join("\n")}
</main>
<iframe class="guide" title="Atomic Guide" src="/dev/lms/launch?${query}"></iframe>
<script src="/dev/course.js" defer></script>
</body>
</html>`;
}

export function homeHtml(origin: string): string {
  const links = (role: DevRole) =>
    SAMPLE_PAGES.map((p) => `<li><a href="/dev/course/${p.slug}?role=${role}">${escapeHtml(p.title)}</a></li>`).join(
      "",
    );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Atomic Guide · local development</title>${ICON_LINK}<style>${STYLE}</style></head>
<body><main class="course" style="margin-right:0">
<h1>Atomic Guide: local development</h1>
<p>A sample course with the guide next to it, launched through a built-in LMS simulator (real LTI 1.3: login, signed id_token, launch). This page exists only while the gateway runs with development settings.</p>
<p><a class="launch" data-role="learner" href="/dev/course/equations?role=learner">Launch as learner</a></p>
<p><a class="launch" data-role="instructor" href="/dev/course/equations?role=instructor">Launch as instructor</a></p>
<p>Also: <a href="/dev/course/equations?role=learner&amp;learner=2">a second learner (Alan Turing)</a>; section B of the course, a course of its own, as <a href="/dev/course/equations?role=learner&amp;course=sample-course-b">learner</a> or <a href="/dev/course/equations?role=instructor&amp;course=sample-course-b">instructor</a>.</p>
<h2>Pages</h2><ul>${links("learner")}</ul>
<p>The tool's registration facts: <a href="${escapeHtml(origin)}/lti/config">/lti/config</a>.</p>
</main></body></html>`;
}
