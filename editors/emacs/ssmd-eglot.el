;;; ssmd-eglot.el --- ssmd-ls for Emacs eglot  -*- lexical-binding: t; -*-

;; Put this in init.el (or `load' this file).  It needs `ssmd-ls' on PATH
;; (`pipx install ssmd-metadata').  Registry YAML opens in `yaml-mode' (MELPA) or
;; `yaml-ts-mode' (Emacs 29+); `M-x eglot' there, or `eglot-ensure' from a hook.
;; The server itself finds the registry (the nearest folder holding exchanges/)
;; from the project eglot gives it, and ignores YAML that is not a registry file.

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((yaml-mode yaml-ts-mode capnp-mode) . ("ssmd-ls"))))

;; Optional: start it for every YAML file under a registry's exchanges/ folder.
(defun ssmd-eglot-maybe-start ()
  "Start eglot when the buffer's file is inside an exchanges/ folder."
  (when (and buffer-file-name (string-match-p "/exchanges/" buffer-file-name))
    (eglot-ensure)))

(add-hook 'yaml-mode-hook #'ssmd-eglot-maybe-start)
(add-hook 'yaml-ts-mode-hook #'ssmd-eglot-maybe-start)

(provide 'ssmd-eglot)
;;; ssmd-eglot.el ends here
