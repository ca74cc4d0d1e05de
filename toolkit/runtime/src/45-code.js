  /* ---------- personal learner codes (a web package's ?learner=K7F3Q-9QX2M) ----------
     9 symbols of a 32-symbol alphabet (no 0/O/1/I) and a Luhn mod 32 check symbol. */
  var CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  function codeCheck(body) {
    var factor = 2, sum = 0, n = CODE_ALPHABET.length;
    for (var i = body.length - 1; i >= 0; i--) {
      var addend = factor * CODE_ALPHABET.indexOf(body.charAt(i));
      factor = factor === 2 ? 1 : 2;
      sum += Math.floor(addend / n) + addend % n;
    }
    return CODE_ALPHABET.charAt((n - sum % n) % n);
  }
  /* the canonical code (upper case, hyphen after the fifth symbol), or null */
  function parseCode(text) {
    var s = String(text || "").replace(/[\s-]+/g, "").toUpperCase();
    if (!/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}$/.test(s) || codeCheck(s.slice(0, 9)) !== s.charAt(9)) return null;
    return s.slice(0, 5) + "-" + s.slice(5);
  }
