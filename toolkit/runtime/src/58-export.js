  /* the core's outside: the page layer below, the console (TK.rejected()) and the unit tests */
  win.TK = { summary: summary, encode: encode, decode: decode, emptyState: emptyState, parseCode: parseCode,
             codeCheck: codeCheck, rejected: rejected, launch: launch, senders: senders };
