/* The portal's rich-text editor: a contenteditable area with a small toolbar over the
   article's <textarea> (which stays the real form field, and the fallback without JS).
   Whatever it produces is sanitized again on the server (nh3), so this file only has to be
   convenient, not safe. */
(function () {
  "use strict";

  var BUTTONS = [
    ["bold", "B", "Chữ đậm"],
    ["italic", "I", "Chữ nghiêng"],
    ["underline", "U", "Gạch chân"],
    ["h2", "H2", "Tiêu đề mục"],
    ["h3", "H3", "Tiêu đề nhỏ"],
    ["p", "¶", "Đoạn văn thường"],
    ["insertUnorderedList", "• —", "Danh sách dấu chấm"],
    ["insertOrderedList", "1.", "Danh sách đánh số"],
    ["blockquote", "❝", "Trích dẫn"],
    ["createLink", "Liên kết", "Chèn liên kết"],
    ["unlink", "Bỏ liên kết", "Bỏ liên kết"],
    ["image", "Ảnh", "Chèn ảnh (tự thu nhỏ khi tải lên)"],
    ["removeFormat", "Xoá định dạng", "Xoá định dạng"],
    ["source", "HTML", "Xem/sửa mã HTML"]
  ];

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setup(textarea) {
    var form = textarea.form;
    var wrapper = document.createElement("div");
    wrapper.className = "rte";
    var toolbar = document.createElement("div");
    toolbar.className = "rte-toolbar btn-toolbar gap-1 mb-1";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Định dạng nội dung");
    var area = document.createElement("div");
    area.className = "rte-area form-control";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      label.id = label.id || textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { area.focus(); });
    }
    area.innerHTML = textarea.value;
    var status = document.createElement("div");
    status.className = "small text-body-secondary mt-1";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var file = document.createElement("input");
    file.type = "file";
    file.accept = "image/jpeg,image/png,image/webp,image/gif";
    file.hidden = true;
    var sourceMode = false;

    function sync() {
      if (!sourceMode) { textarea.value = area.innerHTML; }
    }

    function exec(command, value) {
      area.focus();
      document.execCommand(command, false, value);
      sync();
    }

    BUTTONS.forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm btn-outline-secondary";
      b.textContent = spec[1];
      b.title = spec[2];
      b.setAttribute("aria-label", spec[2]);
      b.setAttribute("data-command", spec[0]);
      b.addEventListener("click", function () {
        var c = spec[0];
        if (c === "h2" || c === "h3" || c === "p" || c === "blockquote") {
          exec("formatBlock", c === "p" ? "P" : c.toUpperCase());
        } else if (c === "createLink") {
          var url = window.prompt("Địa chỉ liên kết (https://…):", "https://");
          if (url && /^(https?:|mailto:|\/)/i.test(url)) { exec("createLink", url); }
        } else if (c === "image") {
          file.click();
        } else if (c === "source") {
          sourceMode = !sourceMode;
          if (sourceMode) {
            textarea.value = area.innerHTML;
            area.hidden = true;
            textarea.hidden = false;
            textarea.focus();
          } else {
            area.innerHTML = textarea.value;
            textarea.hidden = true;
            area.hidden = false;
            area.focus();
          }
          b.setAttribute("aria-pressed", sourceMode ? "true" : "false");
        } else {
          exec(c);
        }
      });
      toolbar.appendChild(b);
    });

    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var data = new FormData();
      data.append("image", file.files[0]);
      status.textContent = "Đang tải ảnh lên…";
      fetch(textarea.getAttribute("data-upload-url"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, body: j }; });
      }).then(function (res) {
        if (!res.ok) { status.textContent = res.body.error || "Không tải được ảnh."; return; }
        var alt = window.prompt("Mô tả ảnh cho người khiếm thị:", "") || "";
        area.focus();
        var img = document.createElement("img");
        img.src = res.body.url;
        img.alt = alt;
        img.width = res.body.width;
        img.height = res.body.height;
        var sel = window.getSelection();
        if (sel.rangeCount && area.contains(sel.anchorNode)) {
          sel.getRangeAt(0).insertNode(img);
        } else {
          area.appendChild(img);
        }
        sync();
        status.textContent = "Đã chèn ảnh (" + res.body.width + "×" + res.body.height + ").";
      }).catch(function () { status.textContent = "Không tải được ảnh."; });
      file.value = "";
    });

    area.addEventListener("input", sync);
    area.addEventListener("blur", sync);
    // Pasted content arrives as plain text: Word/web styles stay out of the article.
    area.addEventListener("paste", function (e) {
      if (!e.clipboardData) { return; }
      e.preventDefault();
      document.execCommand("insertText", false, e.clipboardData.getData("text/plain"));
      sync();
    });
    if (form) {
      form.addEventListener("submit", function () {
        if (sourceMode) { area.innerHTML = textarea.value; } else { sync(); }
      });
    }

    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    wrapper.appendChild(textarea);
    wrapper.appendChild(status);
    wrapper.appendChild(file);
    textarea.hidden = true;
  }

  document.querySelectorAll("textarea[data-rich-editor]").forEach(setup);
})();
