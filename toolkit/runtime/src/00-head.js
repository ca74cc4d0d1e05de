/* toolkit runtime: progress, questions, completion, resume and xAPI statements.
   Built from toolkit/runtime/src/ by plain concatenation (file name order): 1x-5x files
   are the protocol core (no DOM: state, queue, LMS adapters, tracker, launch), 6x-8x the
   page layer.  launch.html (the shell) holds the LMS session and shows lesson pages in a
   frame; a page opened on its own tracks progress in this browser.  No framework, no
   external requests except to the LRS the course is configured for. */
(function (win) {
  "use strict";
  var C = win.TK_COURSE;
  if (!C) return;
  var S = C.strings || {};
