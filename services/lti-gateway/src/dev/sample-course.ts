/**
 * The sample course of local development (issue 14): pages with readings of different
 * lengths, a formula, a short video, quiz items with known answers and declared skills, and
 * one graded item, marked up as the web client and struggle-detector agreed
 * (docs/web-app.md "Content blocks"). The answers sit in `data-answer` only because this is a
 * demonstration page checked by its own script; a real course checks answers elsewhere.
 */
export interface QuizItem {
  id: string;
  prompt: string;
  answer: string;
  skill: string;
  graded?: boolean;
}

export type Block =
  | { kind: "text"; id: string; heading: string; paragraphs: string[] }
  | { kind: "formula"; id: string; heading: string; mathml: string; caption: string }
  | { kind: "video"; id: string; heading: string; caption: string }
  | { kind: "quiz"; id: string; heading: string; intro?: string; items: QuizItem[] };

export interface CoursePage {
  slug: string;
  title: string;
  blocks: Block[];
}

const BALANCE = [
  "An equation is a statement that two expressions have the same value. The equals sign works like the pivot of a balance: whatever sits on the left weighs exactly as much as whatever sits on the right. Solving an equation means finding the value of the unknown, usually called x, that keeps the balance level.",
  "The balance method rests on one rule: you may do anything you like to an equation as long as you do the same thing to both sides. Add the same number to both sides and the balance stays level. Subtract the same number from both sides and it stays level. Multiply or divide both sides by the same number, other than zero, and it still stays level. None of these moves changes which value of x makes the statement true.",
  "The plan is always the same. First collect the terms that contain x on one side and the plain numbers on the other. Then undo whatever is being done to x, in the reverse order to the order it was done. If x was multiplied by 3 and then 7 was added, you first take the 7 away and then divide by 3. Think of unwrapping a present: the last layer of paper to go on is the first to come off.",
  "It is worth checking every answer by putting it back into the original equation. If both sides come out equal, the answer is right. If they do not, look for a step where you did something to one side only, or where a sign changed by accident. Most mistakes in solving linear equations are of exactly these two kinds, and checking catches both of them in a few seconds.",
  "Some equations have x on both sides, such as 5x + 2 = 3x + 10. The same rule applies: subtract 3x from both sides to gather the x terms on the left, which gives 2x + 2 = 10, and then carry on as before. Brackets are opened first, by multiplying each term inside by the number outside, so 2(x + 3) = 14 becomes 2x + 6 = 14.",
];

export const SAMPLE_PAGES: CoursePage[] = [
  {
    slug: "equations",
    title: "Solving linear equations",
    blocks: [
      {
        kind: "text",
        id: "intro",
        heading: "What you will learn",
        paragraphs: [
          "In this lesson you will solve linear equations with one unknown, using the balance method, and check your answers.",
        ],
      },
      { kind: "text", id: "balance-method", heading: "The balance method", paragraphs: BALANCE },
      {
        kind: "formula",
        id: "general-solution",
        heading: "The general solution",
        mathml:
          '<math display="block"><mrow><mi>a</mi><mi>x</mi><mo>+</mo><mi>b</mi><mo>=</mo><mi>c</mi><mspace width="1em"></mspace><mo>⇒</mo><mspace width="1em"></mspace><mi>x</mi><mo>=</mo><mfrac><mrow><mi>c</mi><mo>−</mo><mi>b</mi></mrow><mi>a</mi></mfrac></mrow></math>',
        caption: "For a x + b = c with a not zero: subtract b from both sides, then divide both sides by a.",
      },
      {
        kind: "text",
        id: "worked-example",
        heading: "Worked example",
        paragraphs: [
          "Solve 2x + 5 = 17. Subtract 5 from both sides: 2x = 12. Divide both sides by 2: x = 6. Check: 2 times 6 plus 5 is 17, so x = 6 is right.",
        ],
      },
      {
        kind: "quiz",
        id: "exercise-1",
        heading: "Exercise 1",
        intro: "How do I solve 3x + 7 = 22? Use the balance method: first remove the 7, then the 3.",
        items: [{ id: "q-exercise-1", prompt: "Solve 3x + 7 = 22. x =", answer: "5", skill: "solve-two-step" }],
      },
      {
        kind: "quiz",
        id: "check-understanding",
        heading: "Check your understanding",
        items: [
          { id: "q-one-step", prompt: "Solve x + 4 = 9. x =", answer: "5", skill: "solve-one-step" },
          { id: "q-two-step", prompt: "Solve 2x − 3 = 11. x =", answer: "7", skill: "solve-two-step" },
          {
            id: "q-graded",
            prompt: "Graded: solve 4x + 1 = 25. x =",
            answer: "6",
            skill: "solve-two-step",
            graded: true,
          },
        ],
      },
    ],
  },
  {
    slug: "video",
    title: "Watch: the balance at work",
    blocks: [
      {
        kind: "text",
        id: "video-intro",
        heading: "Before you watch",
        paragraphs: ["This short clip shows a balance staying level while the same weight is taken from both pans."],
      },
      {
        kind: "video",
        id: "balance-video",
        heading: "The balance at work",
        caption: "3x + 7 = 22: take 7 from both pans.",
      },
      {
        kind: "text",
        id: "video-notes",
        heading: "Notes on the clip",
        paragraphs: [
          "The left pan holds three bags of x each and seven single weights; the right pan holds twenty-two single weights. Taking seven single weights from each pan leaves three bags against fifteen weights, so each bag weighs five.",
          "Notice that the balance never tips: every move is made on both sides at once. That is the whole of the balance method.",
        ],
      },
    ],
  },
  {
    slug: "practice",
    title: "Practice set",
    blocks: [
      {
        kind: "text",
        id: "practice-intro",
        heading: "Practice",
        paragraphs: ["Six short equations. Take your time: check each answer by putting it back in."],
      },
      ...[
        { id: "q-p1", prompt: "Solve x − 6 = 4. x =", answer: "10", skill: "solve-one-step" },
        { id: "q-p2", prompt: "Solve 5x = 35. x =", answer: "7", skill: "solve-one-step" },
        { id: "q-p3", prompt: "Solve 3x + 2 = 20. x =", answer: "6", skill: "solve-two-step" },
        { id: "q-p4", prompt: "Solve 6x − 5 = 31. x =", answer: "6", skill: "solve-two-step" },
        { id: "q-p5", prompt: "Solve 2(x + 3) = 14. x =", answer: "4", skill: "brackets" },
        { id: "q-p6", prompt: "Solve 5x + 2 = 3x + 10. x =", answer: "4", skill: "x-both-sides" },
      ].map(
        (item, i): Block => ({ kind: "quiz", id: `practice-${i + 1}`, heading: `Question ${i + 1}`, items: [item] }),
      ),
    ],
  },
];
