/* The year-end document editor (reports/templates/reports/yearend/document_edit.html).
 *
 * Each <textarea data-document-editor> becomes an editable sheet: one line of the text a
 * paragraph (a div), the figures from the records as marked values ("chips") that are
 * deleted or typed over as one character, tables and charts as a block of their own, and a
 * toolbar to insert a figure and to make a line a heading of the official scheme （一） 1. （1）.
 *
 * The textarea stays in the form, hidden, and is what is submitted: the editor writes the
 * text format of reports/yearend/text.py back into it on every change and on submit (one
 * paragraph a line, a figure as {{key}}, a table or chart as a line {{table:key}}), never
 * HTML. Without JavaScript, or if this script fails on a textarea, the textarea is there as
 * it always was.
 *
 * Decisions:
 * - The text is the model. A position is (line, offset) in the text format, a chip counting
 *   as the length of its token, so the edits a browser does badly in a contenteditable
 *   (Enter, deleting a chip or a line break, paste, typing over a selection) are made on
 *   the lines of text and the sheet is drawn again from them. Typing inside a line, with an
 *   input method too, is left to the browser; afterwards the sheet is redrawn only if its
 *   structure is no longer what we drew (never during a composition).
 * - The figures' values are those of the page's load (the server computes them from the
 *   records each time the page is shown); a chip shows them, the text keeps the key.
 * - Undo is the browser's, imperfect after a redraw; accepted.
 * - The user-visible strings here are Chinese literals: this script is not run through
 *   gettext (the site's users and its documents are Chinese), which is accepted for it.
 */
(function () {
  "use strict";

  var FIGURE = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
  var FIGURE_ANYWHERE = /\{\{\s*[A-Za-z0-9_.]+\s*\}\}/;
  var FIGURE_AT_END = /\{\{\s*[A-Za-z0-9_.]+\s*\}\}$/;
  var FIGURE_AT_START = /^\{\{\s*[A-Za-z0-9_.]+\s*\}\}/;
  var BLOCK = /^\s*\{\{\s*(table|chart):([A-Za-z0-9_.]+)\s*\}\}\s*$/;
  var NUMERALS = "一二三四五六七八九十";
  // As reports/yearend/text.py HEADING_LEVELS (the sections' own headings are level 1).
  var HEADINGS = [
    { level: 2, pattern: /^[（(][一二三四五六七八九十]+[）)]/ },
    { level: 3, pattern: /^\d{1,2}[.．、](?!\d)/ },
    { level: 4, pattern: /^[（(]\d{1,2}[）)]/ },
  ];
  var MISSING = "【待补充】";
  // Copying inside the editor keeps the figures' keys; other programs get the values.
  var INTERNAL_TYPE = "text/x-branchsite-document";
  var BLOCK_TAGS = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TBODY|TD|TFOOT|TH|THEAD|TR|UL)$/;
  var SKIPPED_TAGS = /^(SCRIPT|STYLE|TEMPLATE|TITLE|META|LINK|NOSCRIPT)$/;

  var editors = [];
  var counter = 0;

  function parse(json) {
    if (!json) return {};
    var value = JSON.parse(json);
    return value && typeof value === "object" ? value : {};
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chineseNumeral(number) {
    if (number <= 10) return NUMERALS[number - 1];
    var tens = Math.floor(number / 10);
    var units = number % 10;
    return (tens > 1 ? NUMERALS[tens - 1] : "") + "十" + (units ? NUMERALS[units - 1] : "");
  }

  function isBlockLine(line) {
    return BLOCK.test(line);
  }

  function headingPrefix(line) {
    var leading = line.match(/^\s*/)[0];
    var rest = line.slice(leading.length);
    for (var i = 0; i < HEADINGS.length; i++) {
      var match = HEADINGS[i].pattern.exec(rest);
      if (match) {
        var after = rest.slice(match[0].length).match(/^\s*/)[0];
        return { level: HEADINGS[i].level, length: leading.length + match[0].length + after.length };
      }
    }
    return { level: null, length: 0 };
  }

  function headingLevel(line) {
    return isBlockLine(line) ? null : headingPrefix(line).level;
  }

  function compare(a, b) {
    return a.line - b.line || a.offset - b.offset;
  }

  /* The lines of text of a piece of the sheet (or of anything pasted or dropped into it):
     a block element is a line, a <br> ends one, a chip is its token. */
  function collect(root) {
    var lines = [];
    var current = null;
    function add(text) {
      current = (current === null ? "" : current) + text;
    }
    function end() {
      if (current !== null) lines.push(current);
      current = null;
    }
    function walk(node, top) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          var parts = child.data
            .replace(/\u00a0/g, " ")
            .replace(/[\u200b\ufeff]/g, "")
            .split(/\r\n|\r|\n/);
          for (var i = 0; i < parts.length; i++) {
            if (i > 0) {
              if (current === null) lines.push("");
              else end();
            }
            if (parts[i]) add(parts[i]);
          }
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.classList.contains("figure-chip") && child.dataset.key) {
            add("{{" + child.dataset.key + "}}");
          } else if (child.dataset.token) {
            end();
            lines.push("{{" + child.dataset.token + "}}");
          } else if (child.tagName === "BR") {
            if (current === null) lines.push("");
            else end();
          } else if (SKIPPED_TAGS.test(child.tagName)) {
            continue;
          } else if (BLOCK_TAGS.test(child.tagName)) {
            end();
            var before = lines.length;
            walk(child, false);
            end();
            if (top && lines.length === before) lines.push("");
          } else {
            walk(child, false);
          }
        }
      }
    }
    walk(root, true);
    end();
    return lines;
  }

  function enhance(textarea) {
    var figures = parse(textarea.dataset.figures);
    var blocks = parse(textarea.dataset.blocks);
    var id = textarea.id || "document-editor-" + ++counter;
    var form = textarea.form;

    var wrapper = element("div", "document-editor");
    var toolbar = element("div", "de-toolbar");
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "编辑工具");
    var editable = element("div", "form-control de-editable");
    editable.id = id + "-editable";
    editable.contentEditable = "true";
    editable.spellcheck = false;
    editable.lang = "zh-CN";
    editable.setAttribute("role", "textbox");
    editable.setAttribute("aria-multiline", "true");
    if (textarea.classList.contains("is-invalid")) editable.classList.add("is-invalid");
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    if (label) {
      label.id = label.id || id + "-label";
      editable.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (event) {
        event.preventDefault();
        editable.focus();
      });
    }

    var lastPoint = null;

    /* Drawing the sheet from lines of text. */

    function chip(key) {
      var figure = figures[key];
      var node = element("span", "figure-chip");
      node.contentEditable = "false";
      node.dataset.key = key;
      if (figure) {
        node.textContent = figure.missing ? MISSING : String(figure.value);
        node.title = figure.missing ? figure.label + "：记录中没有，打印为【待补充】" : figure.label;
        if (figure.missing) node.classList.add("missing");
      } else {
        node.textContent = MISSING;
        node.title = "未知的数据：" + key;
        node.classList.add("missing");
      }
      return node;
    }

    function lineElement(text) {
      var block = BLOCK.exec(text);
      if (block) {
        var token = block[1] + ":" + block[2];
        var known = blocks[token];
        var node = element(
          "div",
          "doc-block" + (known ? "" : " missing"),
          (block[1] === "table" ? "表格：" : "图表：") + (known ? known.label : "未知（" + block[2] + "）")
        );
        node.contentEditable = "false";
        node.dataset.token = token;
        return node;
      }
      var line = element("div", "doc-line");
      var position = 0;
      var match;
      FIGURE.lastIndex = 0;
      while ((match = FIGURE.exec(text))) {
        if (match.index > position) line.appendChild(document.createTextNode(text.slice(position, match.index)));
        line.appendChild(chip(match[1]));
        position = FIGURE.lastIndex;
      }
      if (position < text.length) line.appendChild(document.createTextNode(text.slice(position)));
      if (!line.firstChild) line.appendChild(document.createElement("br"));
      markHeading(line, text);
      return line;
    }

    function markHeading(line, text) {
      var level = headingLevel(text);
      line.classList.toggle("doc-heading", level !== null);
      for (var i = 2; i <= 4; i++) line.classList.toggle("doc-h" + i, level === i);
    }

    function render(lines) {
      if (!lines.length) lines = [""];
      editable.replaceChildren.apply(editable, lines.map(lineElement));
    }

    function readLines() {
      var lines = collect(editable);
      return lines.length ? lines : [""];
    }

    /* Whether the sheet is still made only of what render() draws. */
    function untidy() {
      if (!editable.firstChild) return true;
      for (var child = editable.firstChild; child; child = child.nextSibling) {
        if (child.nodeType !== Node.ELEMENT_NODE || child.tagName !== "DIV") return true;
        if (child.classList.contains("doc-block")) {
          if (!child.dataset.token) return true;
          continue;
        }
        if (!child.classList.contains("doc-line")) return true;
        if (!child.firstChild) return true;
        for (var node = child.firstChild; node; node = node.nextSibling) {
          if (node.nodeType === Node.TEXT_NODE) {
            if (FIGURE_ANYWHERE.test(node.data) || /[\n\r]/.test(node.data)) return true;
          } else if (node.nodeType === Node.ELEMENT_NODE) {
            if (node.classList.contains("figure-chip") && node.dataset.key) {
              if (node.textContent !== chip(node.dataset.key).textContent) return true;
            } else if (!(node.tagName === "BR" && !node.nextSibling)) {
              return true;
            }
          } else {
            return true;
          }
        }
        if (isBlockLine(collect(child)[0] || "")) return true;
      }
      return false;
    }

    /* Positions: (line, offset) in the text format. */

    function pointAt(node, offset) {
      var range = document.createRange();
      range.setStart(editable, 0);
      try {
        range.setEnd(node, offset);
      } catch (error) {
        return null;
      }
      var lines = collect(range.cloneContents());
      if (!lines.length) return { line: 0, offset: 0 };
      return { line: lines.length - 1, offset: lines[lines.length - 1].length };
    }

    function selectionRange() {
      var selection = window.getSelection();
      if (!selection || !selection.rangeCount) return null;
      var range = selection.getRangeAt(0);
      if (!editable.contains(range.startContainer) || !editable.contains(range.endContainer)) return null;
      var start = pointAt(range.startContainer, range.startOffset);
      var end = range.collapsed ? start : pointAt(range.endContainer, range.endOffset);
      if (!start || !end) return null;
      return { start: start, end: end, collapsed: compare(start, end) === 0, dom: range };
    }

    /* Where a toolbar action applies: the caret, or where it last was in this sheet. */
    function actionRange() {
      var range = selectionRange();
      if (range) return range;
      if (lastPoint) return { start: lastPoint, end: lastPoint, collapsed: true };
      var lines = readLines();
      var end = { line: lines.length - 1, offset: lines[lines.length - 1].length };
      return { start: end, end: end, collapsed: true };
    }

    function domAt(point) {
      var lines = editable.children;
      var index = Math.max(0, Math.min(point.line, lines.length - 1));
      var line = lines[index];
      if (line.classList.contains("doc-block")) return { node: editable, offset: point.offset > 0 ? index + 1 : index };
      var remaining = point.offset;
      var position = 0;
      for (var child = line.firstChild; child; child = child.nextSibling, position++) {
        if (child.nodeType === Node.TEXT_NODE) {
          if (remaining <= child.data.length) return { node: child, offset: remaining };
          remaining -= child.data.length;
        } else if (child.classList && child.classList.contains("figure-chip")) {
          var length = child.dataset.key.length + 4;
          if (remaining <= 0) return { node: line, offset: position };
          if (remaining < length) return { node: line, offset: position + 1 };
          remaining -= length;
        } else if (child.tagName === "BR") {
          return { node: line, offset: position };
        }
      }
      return { node: line, offset: line.childNodes.length };
    }

    function placeCaret(point) {
      var target = domAt(point);
      var range = document.createRange();
      range.setStart(target.node, target.offset);
      range.collapse(true);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var line = editable.children[Math.min(point.line, editable.children.length - 1)];
      if (line && line.scrollIntoView && document.activeElement === editable) line.scrollIntoView({ block: "nearest" });
    }

    function apply(lines, caret) {
      render(lines);
      if (document.activeElement !== editable) editable.focus({ preventScroll: true });
      placeCaret(caret);
      lastPoint = caret;
      sync();
      updatePressed();
    }

    /* Edits on the text. */

    // A point beside a table or chart (which is a line of its own) moved to a line of text
    // next to it, made if there is none, so that nothing is ever typed into a block's line.
    function textPoint(lines, point) {
      if (!isBlockLine(lines[point.line])) return point;
      if (point.offset === 0) {
        if (point.line > 0 && !isBlockLine(lines[point.line - 1]))
          return { line: point.line - 1, offset: lines[point.line - 1].length };
        lines.splice(point.line, 0, "");
        return { line: point.line, offset: 0 };
      }
      if (point.line + 1 < lines.length && !isBlockLine(lines[point.line + 1]))
        return { line: point.line + 1, offset: 0 };
      lines.splice(point.line + 1, 0, "");
      return { line: point.line + 1, offset: 0 };
    }

    function replaceRange(start, end, text) {
      var lines = readLines();
      if (compare(start, end) > 0) {
        var swap = start;
        start = end;
        end = swap;
      }
      if (compare(start, end) !== 0) {
        // A selection that ends just after a table keeps what follows on its own line; one
        // that ends just before a table leaves the table whole.
        var from = start;
        var to = end;
        if (isBlockLine(lines[from.line]) && from.offset > 0) from = { line: from.line + 1, offset: 0 };
        if (isBlockLine(lines[to.line]) && to.offset === 0 && to.line > 0)
          to = { line: to.line - 1, offset: lines[to.line - 1].length };
        if (compare(from, to) < 0 && from.line < lines.length) {
          start = from;
          end = to;
        } else {
          end = start;
        }
      }
      if (compare(start, end) === 0) {
        if (text === "\n" && isBlockLine(lines[start.line])) {
          // Enter beside a table: a new empty line on that side of it.
          var at = start.offset > 0 ? start.line + 1 : start.line;
          lines.splice(at, 0, "");
          apply(lines, { line: at, offset: 0 });
          return;
        }
        start = end = textPoint(lines, start);
      }
      var head = lines[start.line].slice(0, start.offset);
      var tail = lines[end.line].slice(end.offset);
      var pieces = String(text)
        .replace(/\r\n|\r/g, "\n")
        .replace(/\u00a0/g, " ")
        .replace(/[\u200b\ufeff]/g, "")
        .split("\n");
      var caret = {
        line: start.line + pieces.length - 1,
        offset: (pieces.length === 1 ? head.length : 0) + pieces[pieces.length - 1].length,
      };
      pieces[0] = head + pieces[0];
      pieces[pieces.length - 1] += tail;
      lines.splice.apply(lines, [start.line, end.line - start.line + 1].concat(pieces));
      apply(lines, caret);
    }

    // Backspace (backward) or Delete with the caret collapsed; false leaves it to the browser.
    function deleteAtCaret(backward) {
      var range = selectionRange();
      if (!range) return false;
      if (!range.collapsed) {
        replaceRange(range.start, range.end, "");
        return true;
      }
      var lines = readLines();
      var point = range.start;
      var line = lines[point.line];
      if (isBlockLine(line)) {
        lines.splice(point.line, 1);
        if (!lines.length) lines = [""];
        var next = Math.min(point.line, lines.length - 1);
        apply(lines, backward && point.line > 0
          ? { line: point.line - 1, offset: lines[point.line - 1].length }
          : { line: next, offset: 0 });
        return true;
      }
      if (backward) {
        if (point.offset === 0) {
          if (point.line === 0) return true;
          var previous = lines[point.line - 1];
          if (isBlockLine(previous)) {
            lines.splice(point.line - 1, 1);
            apply(lines, { line: point.line - 1, offset: 0 });
          } else {
            lines.splice(point.line - 1, 2, previous + line);
            apply(lines, { line: point.line - 1, offset: previous.length });
          }
          return true;
        }
        var before = line.slice(0, point.offset).match(FIGURE_AT_END);
        if (before) {
          lines[point.line] = line.slice(0, point.offset - before[0].length) + line.slice(point.offset);
          apply(lines, { line: point.line, offset: point.offset - before[0].length });
          return true;
        }
        return false;
      }
      if (point.offset >= line.length) {
        if (point.line + 1 >= lines.length) return true;
        var following = lines[point.line + 1];
        if (isBlockLine(following)) lines.splice(point.line + 1, 1);
        else lines.splice(point.line, 2, line + following);
        apply(lines, point);
        return true;
      }
      var after = line.slice(point.offset).match(FIGURE_AT_START);
      if (after) {
        lines[point.line] = line.slice(0, point.offset) + line.slice(point.offset + after[0].length);
        apply(lines, point);
        return true;
      }
      return false;
    }

    function insertFigure(key) {
      var range = actionRange();
      replaceRange(range.start, range.end, "{{" + key + "}}");
    }

    // A table or chart is a line of its own: the caret's line if it is empty, else the next.
    function insertBlock(token) {
      var range = actionRange();
      var lines = readLines();
      var index = Math.min(range.start.line, lines.length - 1);
      var at;
      if (!isBlockLine(lines[index]) && !lines[index].trim()) {
        lines[index] = "{{" + token + "}}";
        at = index;
      } else {
        at = index + 1;
        lines.splice(at, 0, "{{" + token + "}}");
      }
      if (at + 1 >= lines.length || isBlockLine(lines[at + 1])) lines.splice(at + 1, 0, "");
      apply(lines, { line: at + 1, offset: 0 });
    }

    // The caret's line made a heading of `level` (2, 3, 4) or a paragraph (null). The number
    // is one more than the headings of that level since the last higher one in this section;
    // headings after it are not renumbered.
    function setHeading(level) {
      var range = actionRange();
      var lines = readLines();
      var index = Math.min(range.start.line, lines.length - 1);
      var line = lines[index];
      if (isBlockLine(line)) return;
      var old = headingPrefix(line);
      var body = line.slice(old.length);
      var prefix = "";
      if (level !== null) {
        var count = 0;
        for (var i = index - 1; i >= 0; i--) {
          var other = headingLevel(lines[i]);
          if (other === null) continue;
          if (other < level) break;
          if (other === level) count++;
        }
        var number = count + 1;
        prefix = level === 2 ? "（" + chineseNumeral(number) + "）" : level === 3 ? number + "." : "（" + number + "）";
      }
      lines[index] = prefix + body;
      var offset = Math.max(prefix.length, range.start.offset - old.length + prefix.length);
      apply(lines, { line: index, offset: Math.min(offset, lines[index].length) });
    }

    /* The textarea, the form's copy of the text. */

    function serialise() {
      return readLines().join("\n");
    }

    // An untouched section keeps the text it came with to the letter (a token typed as
    // {{ members.total }} without the editor is not rewritten, so no change is saved).
    var original = textarea.value;
    var baseline = null;
    function sync() {
      var value = serialise();
      if (value === baseline) value = original;
      if (textarea.value !== value) textarea.value = value;
    }

    function tidy() {
      if (untidy()) {
        var range = selectionRange();
        var point = range ? range.start : null;
        render(readLines());
        if (point) {
          placeCaret(point);
          lastPoint = point;
        }
      } else {
        for (var line = editable.firstChild; line; line = line.nextSibling)
          if (line.classList.contains("doc-line")) markHeading(line, collect(line)[0] || "");
      }
      sync();
      updatePressed();
    }

    /* The toolbar and the list of figures. */

    var headingButtons = [];
    function toolButton(text, title, action) {
      var button = element("button", "btn btn-sm btn-outline-secondary", text);
      button.type = "button";
      if (title) button.title = title;
      // Keep the caret in the sheet when the button is pressed with a mouse.
      button.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      button.addEventListener("click", action);
      toolbar.appendChild(button);
      return button;
    }

    var panel = element("div", "de-panel card card-body");
    panel.id = id + "-figures";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "插入数据");
    var search = element("input", "form-control form-control-sm mb-2");
    search.type = "search";
    search.placeholder = "搜索数据：名称或数值";
    search.setAttribute("aria-label", "搜索数据");
    search.autocomplete = "off";
    var options = element("div", "de-options list-group list-group-flush");
    var empty = element("p", "small text-secondary mb-0 mt-2", "没有符合的数据。");
    empty.hidden = true;
    var close = element("button", "btn btn-sm btn-link px-0 mt-1 align-self-start", "关闭");
    close.type = "button";
    panel.append(search, options, empty, close);

    function option(text, value, missing, action, haystack) {
      var button = element("button", "list-group-item list-group-item-action de-option");
      button.type = "button";
      button.appendChild(element("span", "de-option-label", text));
      button.appendChild(element("span", "de-option-value" + (missing ? " missing" : ""), value));
      button.dataset.search = haystack.toLowerCase();
      button.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      button.addEventListener("click", function () {
        closePanel(false);
        action();
      });
      options.appendChild(button);
    }

    Object.keys(figures).forEach(function (key) {
      var figure = figures[key];
      var value = figure.missing ? MISSING : String(figure.value);
      option(figure.label, value, figure.missing, function () {
        insertFigure(key);
      }, figure.label + " " + value + " " + key);
    });
    Object.keys(blocks).forEach(function (token) {
      var kind = token.indexOf("table:") === 0 ? "表格" : "图表";
      option(kind + "：" + blocks[token].label, "单独一行", false, function () {
        insertBlock(token);
      }, kind + " " + blocks[token].label + " " + token);
    });

    function filter() {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(options.children, function (button) {
        var match = words.every(function (word) {
          return button.dataset.search.indexOf(word) !== -1;
        });
        button.hidden = !match;
        if (match) shown++;
      });
      empty.hidden = shown > 0;
    }

    var insertButton;
    function openPanel() {
      var range = selectionRange();
      if (range) lastPoint = range.start;
      panel.hidden = false;
      insertButton.setAttribute("aria-expanded", "true");
      search.value = "";
      filter();
      search.focus();
    }
    function closePanel(refocus) {
      panel.hidden = true;
      insertButton.setAttribute("aria-expanded", "false");
      if (refocus) {
        editable.focus({ preventScroll: true });
        if (lastPoint) placeCaret(lastPoint);
      }
    }

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // not the form's submit
        var first = Array.prototype.find.call(options.children, function (button) {
          return !button.hidden;
        });
        if (first) first.click();
      } else if (event.key === "Escape") {
        event.preventDefault();
        closePanel(true);
      }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closePanel(true);
      }
    });
    close.addEventListener("click", function () {
      closePanel(true);
    });

    insertButton = toolButton("插入数据", "在光标处插入记录中的数据、表格或图表", function () {
      if (panel.hidden) openPanel();
      else closePanel(true);
    });
    insertButton.setAttribute("aria-controls", panel.id);
    insertButton.setAttribute("aria-expanded", "false");
    insertButton.classList.replace("btn-outline-secondary", "btn-outline-danger");
    [
      [2, "二级标题（一）", "把光标所在的一行设为二级标题，自动编号（一）（二）……"],
      [3, "三级标题 1.", "把光标所在的一行设为三级标题，自动编号 1. 2. ……"],
      [4, "四级标题（1）", "把光标所在的一行设为四级标题，自动编号（1）（2）……"],
      [null, "正文", "把光标所在的一行设为正文段落（去掉标题编号）"],
    ].forEach(function (spec) {
      var button = toolButton(spec[1], spec[2], function () {
        setHeading(spec[0]);
      });
      button.setAttribute("aria-pressed", "false");
      headingButtons.push({ level: spec[0], button: button });
    });

    // The buttons show the level of the caret's line while the caret is in the sheet.
    function updatePressed() {
      var range = selectionRange();
      var point = range ? range.start : null;
      var level;
      if (point) {
        var lines = readLines();
        var line = lines[Math.min(point.line, lines.length - 1)];
        level = isBlockLine(line) ? undefined : headingLevel(line);
      }
      headingButtons.forEach(function (entry) {
        entry.button.setAttribute("aria-pressed", String(point !== null && entry.level === level));
      });
    }

    /* The sheet's events. */

    editable.addEventListener("beforeinput", function (event) {
      if (event.isComposing) return;
      var type = event.inputType || "";
      var range;
      if (/^format/.test(type) || /^insert(Ordered|Unordered)List$/.test(type) || type === "insertHorizontalRule" || type === "insertLink") {
        event.preventDefault(); // plain text only
      } else if (type === "insertParagraph" || type === "insertLineBreak") {
        event.preventDefault();
        range = selectionRange();
        if (range) replaceRange(range.start, range.end, "\n");
      } else if (type === "insertText") {
        range = selectionRange();
        if (range && !range.collapsed) {
          event.preventDefault();
          replaceRange(range.start, range.end, event.data || "");
        }
      } else if (type === "deleteContentBackward" || type === "deleteContentForward") {
        if (deleteAtCaret(type === "deleteContentBackward")) event.preventDefault();
      } else if (/^delete/.test(type) && type !== "deleteByDrag" && type !== "deleteByCut") {
        range = selectionRange();
        if (range && !range.collapsed) {
          event.preventDefault();
          replaceRange(range.start, range.end, "");
        }
      }
    });

    editable.addEventListener("input", function (event) {
      if (event.isComposing) return;
      tidy();
    });
    editable.addEventListener("compositionend", function () {
      tidy();
    });

    editable.addEventListener("paste", function (event) {
      event.preventDefault();
      var data = event.clipboardData;
      if (!data) return;
      var text = data.getData(INTERNAL_TYPE) || data.getData("text/plain");
      if (!text) return;
      var range = actionRange();
      replaceRange(range.start, range.end, text);
    });

    function copySelection(event) {
      var range = selectionRange();
      if (!range || range.collapsed || !event.clipboardData) return null;
      event.preventDefault();
      event.clipboardData.setData("text/plain", window.getSelection().toString().replace(/\u00a0/g, " "));
      event.clipboardData.setData(INTERNAL_TYPE, collect(range.dom.cloneContents()).join("\n"));
      return range;
    }
    editable.addEventListener("copy", copySelection);
    editable.addEventListener("cut", function (event) {
      var range = copySelection(event);
      if (range) replaceRange(range.start, range.end, "");
    });

    var dragging = false;
    editable.addEventListener("dragstart", function () {
      dragging = true;
    });
    editable.addEventListener("dragend", function () {
      dragging = false;
    });
    editable.addEventListener("drop", function (event) {
      if (dragging) return; // a move inside the sheet: the browser's, then tidy() redraws
      event.preventDefault();
      var data = event.dataTransfer;
      var text = data && (data.getData(INTERNAL_TYPE) || data.getData("text/plain"));
      if (!text) return;
      var point = null;
      if (document.caretRangeFromPoint) {
        var at = document.caretRangeFromPoint(event.clientX, event.clientY);
        if (at && editable.contains(at.startContainer)) point = pointAt(at.startContainer, at.startOffset);
      }
      point = point || actionRange().start;
      replaceRange(point, point, text);
    });

    document.addEventListener("selectionchange", function () {
      var range = selectionRange();
      if (range) lastPoint = range.start;
      updatePressed();
    });

    render(parseText(textarea.value));
    baseline = serialise();
    wrapper.append(toolbar, panel, editable);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
    textarea.classList.add("de-source");

    var editor = { textarea: textarea, form: form, serialise: serialise, sync: sync };
    editors.push(editor);
    return editor;
  }

  function parseText(value) {
    return String(value).replace(/\r\n|\r/g, "\n").split("\n");
  }

  /* Leaving with unsaved changes asks first; saving does not. */

  function snapshot(form) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "button") return;
      var editor = editors.find(function (entry) {
        return entry.textarea === field;
      });
      values.push([field.name, editor ? editor.serialise() : field.value]);
    });
    return JSON.stringify(values);
  }

  function start() {
    var textareas = document.querySelectorAll("textarea[data-document-editor]");
    Array.prototype.forEach.call(textareas, function (textarea) {
      try {
        enhance(textarea);
      } catch (error) {
        // The plain textarea still works; say why in the console for whoever looks.
        textarea.hidden = false;
        if (window.console) console.error("document editor:", error);
      }
    });
    var forms = [];
    editors.forEach(function (editor) {
      if (editor.form && forms.indexOf(editor.form) === -1) forms.push(editor.form);
    });
    forms.forEach(function (form) {
      // A form shown again with errors holds text that was never saved.
      var unsaved = !!form.querySelector(".is-invalid, .alert-danger");
      var saved = snapshot(form);
      var submitting = false;
      form.addEventListener("submit", function () {
        editors.forEach(function (editor) {
          if (editor.form === form) editor.sync();
        });
        submitting = true;
      });
      window.addEventListener("beforeunload", function (event) {
        if (submitting || (!unsaved && snapshot(form) === saved)) return;
        event.preventDefault();
        event.returnValue = "";
      });
      // Back to the page from the browser's cache after a submit: it may be left again.
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) submitting = false;
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
