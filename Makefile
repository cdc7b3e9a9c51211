# Quick start: `make demo` (set up + run the sample history on SQLite), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HYOKA := $(abspath $(BIN)/hyoka)
# hyoka as a wheel installs it (pip install .): the reader's hot modules compiled by mypyc
# (hatch_build.py). .venv stays an editable, pure-Python install for working on the code.
WHEEL_VENV ?= .venv-wheel
WHEEL_BIN := $(WHEEL_VENV)/bin
SOURCES := $(shell find src -name '*.py')
SAMPLES := $(abspath samples/sakuragawa)
REPORT := sakuragawa

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

# Rebuilt whenever a source changes, so that no stale extension is ever measured or tested.
$(WHEEL_VENV)/.installed: pyproject.toml hatch_build.py $(SOURCES)
	PYTHON=$(PYTHON) bash scripts/system-deps.sh
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_BIN)/pip install --quiet --upgrade pip
	HYOKA_COMPILE=require $(WHEEL_BIN)/pip install --quiet '.[test]'
	touch $@

demo: $(VENV)/.installed
	rm -rf demo && mkdir demo
	cd demo && $(HYOKA) init
	cd demo && $(HYOKA) commit $(SAMPLES)/v1.txt --report $(REPORT) --author 山田 -m "初版"
	cd demo && $(HYOKA) check $(SAMPLES)/v2.pdf
	cd demo && $(HYOKA) commit $(SAMPLES)/v2.pdf --report $(REPORT) --author 山田 -m "誤字修正・組織改編 (公表版 PDF)"
	cd demo && $(HYOKA) commit $(SAMPLES)/v3.xlsx --report $(REPORT) --author 佐藤 -m "ガバメントクラウド移行 (Excel 様式)"
	cd demo && $(HYOKA) commit $(SAMPLES)/v4.txt --report $(REPORT) --author 佐藤 -m "使用者数・連絡先の更新"
	cd demo && $(HYOKA) log $(REPORT)
	cd demo && $(HYOKA) show $(REPORT)@1 --item "II/3/③使用目的"
	cd demo && $(HYOKA) export $(REPORT)@4 > v4.hyoka.txt
	cd demo && $(HYOKA) commit v4.hyoka.txt --report $(REPORT) --author 山田 -m "再コミット (変更なし)"
	cd demo && $(HYOKA) diff $(SAMPLES)/v3.txt $(SAMPLES)/v3.docx
	cd demo && $(HYOKA) diff $(REPORT)@2 $(REPORT)@3
	cd demo && $(HYOKA) appendix $(REPORT) --to 4 -o 変更箇所.html --by 山田
	cd demo && $(HYOKA) appendix $(REPORT) --to 4 -o 変更箇所.xlsx --by 山田
	cd demo && $(HYOKA) shinkyu $(REPORT) --from 2 --to 3 -o 新旧対照表.html --by 山田
	cd demo && $(HYOKA) review $(REPORT)@3
	cd demo && $(HYOKA) audit --report $(REPORT) --important yes
	cd demo && $(HYOKA) due --as-of 2026-11-22
	cd demo && $(HYOKA) verify

test: $(VENV)/.installed $(WHEEL_VENV)/.installed
	PYTHON=$(PYTHON) bash scripts/system-deps.sh
	$(BIN)/ruff check src tests bench hatch_build.py
	$(BIN)/pytest
	HYOKA_TEST_BACKEND=postgresql $(BIN)/pytest
	# The suite again on the wheel: the compiled reader must read as the pure one (tests/test_compiled.py).
	HYOKA_EXPECT_COMPILED=1 $(WHEEL_BIN)/pytest

# Measured on the wheel (the compiled reader), as users install hyoka.
bench: $(WHEEL_VENV)/.installed
	$(WHEEL_BIN)/python bench/bench_commit.py
	$(WHEEL_BIN)/python bench/bench_cli_start.py
	$(WHEEL_BIN)/python bench/bench_commit_process.py
	$(WHEEL_BIN)/python bench/bench_storage.py
	$(WHEEL_BIN)/python bench/bench_appendix.py
	$(WHEEL_BIN)/python bench/bench_audit.py --reports 100
	$(WHEEL_BIN)/python bench/bench_text_diff.py
	$(WHEEL_BIN)/python bench/bench_reader.py
	$(WHEEL_BIN)/python bench/bench_pdf.py
	$(WHEEL_BIN)/python bench/evaluate_seeds.py --quiet

clean:
	rm -rf demo $(VENV) $(WHEEL_VENV) .pytest_cache .ruff_cache .hypothesis
