;;; compile_probe.el --- `M-x compile RET ssmd validate RET', headless  -*- lexical-binding: t; -*-
;; Run: emacs --batch -Q -l compile_probe.el RESULT-FILE (in the folder to compile in).
;; Runs the documented command with `compile', waits for it, lets compilation-mode parse the
;; buffer with its stock `compilation-error-regexp-alist', and writes one line per located
;; message: FILE|LINE|COLUMN|TYPE (TYPE 2 error, 1 warning, 0 info).
(require 'compile)
(let ((result (car command-line-args-left))
      (found '())
      (buffer (compile "ssmd validate")))
  (while (get-buffer-process buffer)
    (accept-process-output nil 0.1))
  (with-current-buffer buffer
    (compilation--ensure-parse (point-max))
    (goto-char (point-min))
    (while (not (eobp))
      (let ((message (get-text-property (line-beginning-position) 'compilation-message)))
        (when message
          (let ((loc (compilation--message->loc message)))
            (push (format "%s|%s|%s|%s"
                          (caar (compilation--loc->file-struct loc))
                          (compilation--loc->line loc)
                          (compilation--loc->col loc)
                          (compilation--message->type message))
                  found))))
      (forward-line 1)))
  (with-temp-file result
    (insert (mapconcat #'identity (nreverse found) "\n") "\n")))
(kill-emacs 0)
