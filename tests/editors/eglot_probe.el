;;; eglot_probe.el --- headless check of editors/emacs/ssmd-eglot.el  -*- lexical-binding: t; -*-
;; Run: emacs --batch -l eglot_probe.el FILE (env SSMD_EGLOT_SNIPPET, SSMD_PROBE_OUT).
;; Loads the documented snippet as init.el would, opens FILE in yaml-mode, connects eglot
;; and writes the flymake diagnostics it receives (line, code, message) to SSMD_PROBE_OUT.

(package-initialize)  ; Debian's elpa-eglot lives in /usr/share/emacs/site-lisp/elpa
(require 'eglot)
(require 'json)
(unless (fboundp 'yaml-mode)  ; yaml-mode is on MELPA, not in Emacs 28: a stand-in major mode
  (define-derived-mode yaml-mode prog-mode "YAML"))
(load (getenv "SSMD_EGLOT_SNIPPET") nil t)

(defun ssmd-probe-finish (result)
  (with-temp-file (getenv "SSMD_PROBE_OUT")
    (insert (json-encode result)))
  (kill-emacs 0))

(let* ((file (car command-line-args-left))
       (buffer (find-file-noselect file))
       (deadline (+ (float-time) 90))
       found)
  (setq command-line-args-left nil)
  (with-current-buffer buffer
    (yaml-mode)  ; runs the snippet's hook: eglot-ensure
    (unless (eglot-current-server)
      (apply #'eglot (eglot--guess-contact)))
    (while (and (not found) (< (float-time) deadline))
      (accept-process-output nil 0.2)
      ;; Flymake starts its backends from an idle timer, which batch mode never runs.
      (when (bound-and-true-p flymake-mode) (flymake-start))
      (setq found (flymake-diagnostics)))
    (ssmd-probe-finish
     (list (cons 'server (and (eglot-current-server) t))
           (cons 'diagnostics
                 (vconcat
                  (mapcar (lambda (d)
                            (list (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                                  (cons 'type (format "%s" (flymake-diagnostic-type d)))
                                  (cons 'text (flymake-diagnostic-text d))))
                          found)))))))
