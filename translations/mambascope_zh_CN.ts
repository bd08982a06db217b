<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <source>Workbench for the length generalization of Mamba models: spectra, scaling, perplexity against context length.</source>
        <translation>Mamba 模型长度泛化工作台：谱、缩放，以及困惑度随上下文长度的变化。</translation>
    </message>
    <message>
        <source>Model folder (default: the demo).</source>
        <translation>模型文件夹（默认：演示模型）。</translation>
    </message>
    <message>
        <source>Interface language for this run: %1 (default: View ▸ Language, else the system&apos;s).</source>
        <translation>本次运行的界面语言：%1（默认：“视图 ▸ 语言”中的选择，否则为系统语言）。</translation>
    </message>
</context>
<context>
    <name>mscope::AboutDialog</name>
    <message>
        <source>About MambaScope</source>
        <translation>关于 MambaScope</translation>
    </message>
    <message>
        <source>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;A workbench for studying and fixing the length generalization of Mamba language models by &lt;b&gt;spectrum scaling&lt;/b&gt;: look at each layer&apos;s spectrum, rescale it, and watch perplexity against context length respond.&lt;/p&gt;&lt;p&gt;Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).&lt;/p&gt;&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; and its demo model: GNU General Public License, version 3 or later (GPL-3.0-or-later). No warranty.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %2&lt;/b&gt; (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B tokenizer&lt;/b&gt; (tokenizer.json): EleutherAI, Apache License 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Demo texts&lt;/b&gt;: Project Gutenberg books by Austen, Melville, Shelley and Stoker, public domain in the USA.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;: Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt;: BSD 3-Clause licence (kernels in use: %3).&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;一个通过&lt;b&gt;谱缩放&lt;/b&gt;研究并修复 Mamba 语言模型长度泛化问题的工作台：查看每一层的谱，对其重新缩放，观察困惑度随上下文长度的变化如何响应。&lt;/p&gt;&lt;p&gt;方法：Mamba Modulation: On the Length Generalization of Mamba（arXiv 2509.19633，NeurIPS 2025）；Δ 缩放基线来自 MambaExtend（ICLR 2025）。&lt;/p&gt;&lt;h3&gt;许可证&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; 及其演示模型：GNU 通用公共许可证第 3 版或更高版本（GPL-3.0-or-later）。不提供任何担保。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %2&lt;/b&gt;（Widgets、Charts、SVG）：The Qt Company，依据 GNU (L)GPL 第 3 版使用。&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B 分词器&lt;/b&gt;（tokenizer.json）：EleutherAI，Apache 许可证 2.0。&lt;/li&gt;&lt;li&gt;&lt;b&gt;演示文本&lt;/b&gt;：古腾堡计划收录的奥斯汀、梅尔维尔、雪莱和斯托克的作品，在美国属于公有领域。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;：Mozilla 公共许可证 2.0。&lt;b&gt;OpenBLAS&lt;/b&gt;：BSD 三条款许可证（当前使用的内核：%3）。&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
</context>
<context>
    <name>mscope::CalibrationDialog</name>
    <message>
        <source>Calibrate the scaling</source>
        <translation>校准缩放</translation>
    </message>
    <message>
        <source>Searches one factor per layer that minimizes perplexity at the target length on the calibration texts (never the evaluation text). The sliders follow the best point found; Stop keeps it.</source>
        <translation>为每一层搜索一个因子，使校准文本（绝不使用评估文本）在目标长度上的困惑度最小。滑块会跟随已找到的最佳点；“停止”会保留该点。</translation>
    </message>
    <message>
        <source>Power (the paper&apos;s method)</source>
        <translation>幂（论文的方法）</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Δ scaling</source>
        <translation>Δ 缩放</translation>
    </message>
    <message>
        <source>SPSA (as in the paper)</source>
        <translation>SPSA（与论文相同）</translation>
    </message>
    <message>
        <source>Coordinate search (golden section per layer)</source>
        <translation>坐标搜索（逐层黄金分割）</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source> forward passes</source>
        <translation> 次前向计算</translation>
    </message>
    <message>
        <source>Forward passes of the target length over the whole search; both methods get the same budget so they can be compared.</source>
        <translation>整个搜索中目标长度的前向计算次数；两种方法使用相同的预算，以便相互比较。</translation>
    </message>
    <message>
        <source>SPSA iterations (the paper uses 30).</source>
        <translation>SPSA 迭代次数（论文使用 30 次）。</translation>
    </message>
    <message>
        <source>none ticked</source>
        <translation>未勾选任何文本</translation>
    </message>
    <message>
        <source>&amp;Family:</source>
        <translation>缩放方式(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation>方法(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Target length:</source>
        <translation>目标长度(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Budget:</source>
        <translation>预算(&amp;B)：</translation>
    </message>
    <message>
        <source>SPSA &amp;iterations:</source>
        <translation>SPSA 迭代次数(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>随机种子(&amp;S)：</translation>
    </message>
    <message>
        <source>Texts:</source>
        <translation>文本：</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>About %1 million tokens through the model</source>
        <translation>约 %1 百万个词元要经过模型</translation>
    </message>
    <message>
        <source>, roughly %1 s at the current speed.</source>
        <translation>，按当前速度约需 %1 秒。</translation>
    </message>
    <message>
        <source>, roughly %1 min at the current speed.</source>
        <translation>，按当前速度约需 %1 分钟。</translation>
    </message>
</context>
<context>
    <name>mscope::FactorScale</name>
    <message>
        <source>Power scaling (the paper&apos;s method): α&apos; = α^s. Below 1 it pulls every decay rate toward 1, so modes that remember too long forget sooner. 1 = unchanged.</source>
        <translation>幂缩放（论文的方法）：α&apos; = α^s。s 小于 1 时会把每个衰减率拉向 1，使记忆过长的模态更快遗忘。1 = 不变。</translation>
    </message>
    <message>
        <source>Linear scaling: α&apos; = s·α. Above 1 every mode forgets s times faster. 1 = unchanged.</source>
        <translation>线性缩放：α&apos; = s·α。s 大于 1 时每个模态的遗忘速度加快 s 倍。1 = 不变。</translation>
    </message>
    <message>
        <source>Δ scaling (MambaExtend): Δ&apos; = s·Δ, the step size after the softplus. Cannot be baked into a checkpoint. 1 = unchanged.</source>
        <translation>Δ 缩放（MambaExtend）：Δ&apos; = s·Δ，即 softplus 之后的步长。无法固化到检查点中。1 = 不变。</translation>
    </message>
    <message>
        <source>Winsorization: clip each layer&apos;s eigenvalues λ to their own [q, 1−q] quantiles. 0 = unchanged.</source>
        <translation>缩尾（Winsorization）：把每层的特征值 λ 截断到该层自身的 [q, 1−q] 分位数之间。0 = 不变。</translation>
    </message>
    <message>
        <source>τ cap: make every mode forget within c × the training length (needs Δ statistics). ∞ = unchanged.</source>
        <translation>τ 上限：让每个模态在 c × 训练长度之内遗忘（需要 Δ 统计量）。∞ = 不变。</translation>
    </message>
    <message>
        <source>power s</source>
        <translation>幂 s</translation>
    </message>
    <message>
        <source>α ×</source>
        <translation>α ×</translation>
    </message>
    <message>
        <source>Δ ×</source>
        <translation>Δ ×</translation>
    </message>
    <message>
        <source>quantile q</source>
        <translation>分位数 q</translation>
    </message>
    <message>
        <source>τ ≤ c·L</source>
        <translation>τ ≤ c·L</translation>
    </message>
</context>
<context>
    <name>mscope::JobStatusWidget</name>
    <message>
        <source>Stop the running job (Esc)</source>
        <translation>停止正在运行的任务（Esc）</translation>
    </message>
    <message>
        <source>Background work: what runs, its progress and speed in tokens per second.</source>
        <translation>后台工作：正在运行什么、进度如何，以及每秒处理的词元数。</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
</context>
<context>
    <name>mscope::LayerSpectrumChart</name>
    <message>
        <source>as loaded</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>scaled</source>
        <translation>缩放后</translation>
    </message>
    <message>
        <source>% of modes</source>
        <translation>模态占比 (%)</translation>
    </message>
    <message>
        <source>Histogram of one layer&apos;s spectrum: how many of its modes have each memory length τ (or decay rate α, or eigenvalue λ). Grey: as loaded; blue: with the current scaling.</source>
        <translation>单层谱的直方图：该层有多少模态具有各个记忆长度 τ（或衰减率 α、特征值 λ）。灰色：原始；蓝色：当前缩放。</translation>
    </message>
    <message>
        <source> Choose the layer by clicking its row in the heat map above.</source>
        <translation>在上方热图中点击某一行即可选择该层。</translation>
    </message>
    <message>
        <source>, log scale</source>
        <translation>，对数刻度</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>Layer spectrum</source>
        <translation>单层谱</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>目标 %1</translation>
    </message>
</context>
<context>
    <name>mscope::LiveEvaluation</name>
    <message>
        <source>not enough memory for the live curve; lower &quot;max tokens&quot; or the cache budget in the settings</source>
        <translation>内存不足，无法计算实时曲线；请在设置中降低“最大词元数”或层缓存预算</translation>
    </message>
</context>
<context>
    <name>mscope::MainWindow</name>
    <message>
        <source>MambaScope</source>
        <translation>MambaScope</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;Open Model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a Mamba model folder (config.json and safetensors)</source>
        <translation>打开 Mamba 模型文件夹（config.json 和 safetensors）</translation>
    </message>
    <message>
        <source>Add &amp;Text…</source>
        <translation>添加文本(&amp;T)…</translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <source>Add a UTF-8 text file to evaluate or calibrate on</source>
        <translation>添加一个用于评估或校准的 UTF-8 文本文件</translation>
    </message>
    <message>
        <source>&amp;Load Scaling Preset…</source>
        <translation>加载缩放预设(&amp;L)…</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>Load a modulation preset (JSON)</source>
        <translation>加载调制预设（JSON）</translation>
    </message>
    <message>
        <source>&amp;Save Scaling Preset…</source>
        <translation>保存缩放预设(&amp;S)…</translation>
    </message>
    <message>
        <source>Save the current scaling as a preset (JSON)</source>
        <translation>将当前缩放保存为预设（JSON）</translation>
    </message>
    <message>
        <source>&amp;Bake Checkpoint…</source>
        <translation>固化为检查点(&amp;B)…</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Write a new checkpoint with the current scaling built into A_log</source>
        <translation>写出一个新的检查点，把当前缩放写入 A_log</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit MambaScope</source>
        <translation>退出 MambaScope</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Rese&amp;t Scaling</source>
        <translation>重置缩放(&amp;T)</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Back to the model as loaded</source>
        <translation>恢复为加载时的模型</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Threads, chunk size, max tokens, cache</source>
        <translation>线程、分块大小、最大词元数、缓存</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>&amp;Recompute Curves</source>
        <translation>重新计算曲线(&amp;R)</translation>
    </message>
    <message>
        <source>Compute the curves again</source>
        <translation>再次计算曲线</translation>
    </message>
    <message>
        <source>&amp;Cancel Running Job</source>
        <translation>取消正在运行的任务(&amp;N)</translation>
    </message>
    <message>
        <source>Stop the most recent background job</source>
        <translation>停止最近启动的后台任务</translation>
    </message>
    <message>
        <source>&amp;Calibrate…</source>
        <translation>校准(&amp;C)…</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>Search the per-layer factors automatically (in the background)</source>
        <translation>自动搜索每层的因子（在后台进行）</translation>
    </message>
    <message>
        <source>Stop Calibration</source>
        <translation>停止校准</translation>
    </message>
    <message>
        <source>Ctrl+Shift+K</source>
        <translation>Ctrl+Shift+K</translation>
    </message>
    <message>
        <source>Stop and keep the best factors so far</source>
        <translation>停止并保留目前最佳的因子</translation>
    </message>
    <message>
        <source>&amp;Pin Current Curve</source>
        <translation>保留当前曲线(&amp;P)</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>Keep the current curve on the chart for comparison</source>
        <translation>将当前曲线保留在图表上以便比较</translation>
    </message>
    <message>
        <source>Clear Pinned Curves</source>
        <translation>清除保留的曲线</translation>
    </message>
    <message>
        <source>Ctrl+Shift+P</source>
        <translation>Ctrl+Shift+P</translation>
    </message>
    <message>
        <source>Remove the pinned curves</source>
        <translation>移除保留的曲线</translation>
    </message>
    <message>
        <source>&amp;Log Perplexity Axis</source>
        <translation>困惑度对数坐标轴(&amp;L)</translation>
    </message>
    <message>
        <source>Ctrl+G</source>
        <translation>Ctrl+G</translation>
    </message>
    <message>
        <source>Perplexity on a log or linear axis</source>
        <translation>困惑度使用对数或线性坐标轴</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Clear pins</source>
        <translation>清除保留</translation>
    </message>
    <message>
        <source>Log axis</source>
        <translation>对数轴</translation>
    </message>
    <message>
        <source>Reset &amp;Layout</source>
        <translation>重置布局(&amp;L)</translation>
    </message>
    <message>
        <source>Put every panel back where it started</source>
        <translation>把所有面板放回初始位置</translation>
    </message>
    <message>
        <source>&amp;About MambaScope</source>
        <translation>关于 MambaScope(&amp;A)</translation>
    </message>
    <message>
        <source>Version and licences</source>
        <translation>版本和许可证</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>关于 Qt</translation>
    </message>
    <message>
        <source>Model &amp; Texts</source>
        <translation>模型与文本</translation>
    </message>
    <message>
        <source>Perplexity vs Context Length</source>
        <translation>困惑度与上下文长度</translation>
    </message>
    <message>
        <source>Spectrum</source>
        <translation>谱</translation>
    </message>
    <message>
        <source>Scaling</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>State Convergence</source>
        <translation>状态收敛</translation>
    </message>
    <message>
        <source>Alt+1</source>
        <translation>Alt+1</translation>
    </message>
    <message>
        <source>Alt+2</source>
        <translation>Alt+2</translation>
    </message>
    <message>
        <source>Alt+3</source>
        <translation>Alt+3</translation>
    </message>
    <message>
        <source>Alt+4</source>
        <translation>Alt+4</translation>
    </message>
    <message>
        <source>Alt+5</source>
        <translation>Alt+5</translation>
    </message>
    <message>
        <source>Image (PNG)…</source>
        <translation>图像（PNG）…</translation>
    </message>
    <message>
        <source>Vector Image (SVG)…</source>
        <translation>矢量图像（SVG）…</translation>
    </message>
    <message>
        <source>Data (CSV)…</source>
        <translation>数据（CSV）…</translation>
    </message>
    <message>
        <source>Export %1 as %2</source>
        <translation>将“%1”导出为 %2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent Model</source>
        <translation>最近打开的模型(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Perplexity Chart</source>
        <translation>困惑度图表</translation>
    </message>
    <message>
        <source>Spectrum Heat Map</source>
        <translation>谱热图</translation>
    </message>
    <message>
        <source>Layer Spectrum</source>
        <translation>单层谱</translation>
    </message>
    <message>
        <source>State Norm Chart</source>
        <translation>状态范数图表</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source> Training length: </source>
        <translation> 训练长度：</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source>The context length the model was trained on (orange in every chart): beyond it, Mamba models tend to fail. Guessed from the model folder; correct it here if needed.</source>
        <translation>模型训练时使用的上下文长度（在所有图表中为橙色）：超过它，Mamba 模型往往会失效。该值根据模型文件夹推测得出，如有需要请在此更正。</translation>
    </message>
    <message>
        <source>  Target length: </source>
        <translation>  目标长度：</translation>
    </message>
    <message>
        <source>The context length you want the model to handle (green): calibration optimizes perplexity there.</source>
        <translation>希望模型能够处理的上下文长度（绿色）：校准会在这一长度上优化困惑度。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Cannot open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>Problem with a text</source>
        <translation>文本有问题</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Calibration done: perplexity at %1 tokens %2 (from %3)</source>
        <translation>校准完成：%1 词元处的困惑度为 %2（原为 %3）</translation>
    </message>
    <message>
        <source>Calibration stopped; the sliders keep the best factors found</source>
        <translation>校准已停止；滑块保留已找到的最佳因子</translation>
    </message>
    <message>
        <source>Calibration failed</source>
        <translation>校准失败</translation>
    </message>
    <message>
        <source>Checkpoint written to %1</source>
        <translation>检查点已写入 %1</translation>
    </message>
    <message>
        <source>Cannot bake the checkpoint</source>
        <translation>无法固化检查点</translation>
    </message>
    <message>
        <source>Curve not computed: %1</source>
        <translation>曲线未计算：%1</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>未变化</translation>
    </message>
    <message>
        <source>recomputed from layer %1 in %2 s</source>
        <translation>从第 %1 层起重新计算，用时 %2 秒</translation>
    </message>
    <message>
        <source>computed in %1 s</source>
        <translation>计算用时 %1 秒</translation>
    </message>
    <message>
        <source> (%1 tokens/s)</source>
        <translation>（%1 词元/秒）</translation>
    </message>
    <message>
        <source>Perplexity over the last octave (%1–%2 tokens): baseline &lt;b&gt;%3&lt;/b&gt; → &lt;b&gt;%4&lt;/b&gt; with %5 · %6</source>
        <translation>最后一个倍增区间（%1–%2 词元）上的困惑度：基线 &lt;b&gt;%3&lt;/b&gt; → 使用 %5 后为 &lt;b&gt;%4&lt;/b&gt; · %6</translation>
    </message>
    <message>
        <source>No demo model</source>
        <translation>没有演示模型</translation>
    </message>
    <message>
        <source>The bundled demo model was not found. Set MAMBASCOPE_RESOURCES or open a model folder.</source>
        <translation>未找到随附的演示模型。请设置 MAMBASCOPE_RESOURCES 或打开一个模型文件夹。</translation>
    </message>
    <message>
        <source>%1 — MambaScope</source>
        <translation>%1 — MambaScope</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1: %n layer(s), %2 parameters</source>
        <translation>
            <numerusform>已打开 %1：%n 层，%2 个参数</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model to see its spectrum</source>
        <translation>打开一个模型以查看它的谱</translation>
    </message>
    <message>
        <source>Measuring the mean step Δ̄ for τ; showing α meanwhile.</source>
        <translation>正在测量计算 τ 所需的平均步长 Δ̄；在此期间显示 α。</translation>
    </message>
    <message>
        <source>τ = 1/(Δ̄·α), Δ̄ measured over %1 tokens in windows of %2.</source>
        <translation>τ = 1/(Δ̄·α)，Δ̄ 在 %1 个词元上按长度为 %2 的窗口测得。</translation>
    </message>
    <message numerus="yes">
        <source> (+%n more)</source>
        <translation>
            <numerusform>（另有 %n 项）</numerusform>
        </translation>
    </message>
    <message>
        <source>Needs a scaling that can be written into A_log (not Δ scaling)</source>
        <translation>需要一种可以写入 A_log 的缩放（Δ 缩放不行）</translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation>没有打开的模型。</translation>
    </message>
    <message>
        <source>Load preset %1</source>
        <translation>加载预设 %1</translation>
    </message>
    <message>
        <source>Loaded %1: %2</source>
        <translation>已加载 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Load Scaling Preset</source>
        <translation>加载缩放预设</translation>
    </message>
    <message>
        <source>Scaling presets (*.json);;All files (*)</source>
        <translation>缩放预设 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot load the preset</source>
        <translation>无法加载预设</translation>
    </message>
    <message>
        <source>Save Scaling Preset</source>
        <translation>保存缩放预设</translation>
    </message>
    <message>
        <source>Scaling presets (*.json)</source>
        <translation>缩放预设 (*.json)</translation>
    </message>
    <message>
        <source>Cannot save the preset</source>
        <translation>无法保存预设</translation>
    </message>
    <message>
        <source>Calibrating: preparing the calibration texts…</source>
        <translation>正在校准：准备校准文本…</translation>
    </message>
    <message>
        <source>Calibrating: %1 of %2 forward passes · %3 · best perplexity %4 (start %5)</source>
        <translation>正在校准：已完成 %1/%2 次前向计算 · %3 · 最佳困惑度 %4（初始 %5）</translation>
    </message>
    <message>
        <source>Bake Checkpoint into a New Folder</source>
        <translation>将检查点固化到新文件夹</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Add Texts</source>
        <translation>添加文本</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>&amp;System Default (%1)</source>
        <translation>系统默认（%1）(&amp;S)</translation>
    </message>
    <message>
        <source>The language of the interface; it changes at the next start</source>
        <translation>界面语言；下次启动时生效</translation>
    </message>
    <message>
        <source>Language: %1</source>
        <translation>语言：%1</translation>
    </message>
    <message>
        <source>The interface will be in %1 from the next start of MambaScope.</source>
        <translation>下次启动 MambaScope 时，界面将使用%1。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation>SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
</context>
<context>
    <name>mscope::ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a model folder (config.json + *.safetensors). You can also drop a folder on the window.</source>
        <translation>打开模型文件夹（config.json + *.safetensors）。也可以把文件夹拖放到窗口上。</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Widths:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Other:</source>
        <translation>其他：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>分词器：</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>&amp;Evaluate on:</source>
        <translation>评估文本(&amp;E)：</translation>
    </message>
    <message>
        <source>The text the perplexity and state curves are computed on.</source>
        <translation>用于计算困惑度曲线和状态曲线的文本。</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Tick the texts calibration may use. Calibration never uses the evaluation text, so the curves stay an honest test.</source>
        <translation>勾选校准可以使用的文本。校准从不使用评估文本，因此曲线始终是公正的测试。</translation>
    </message>
    <message>
        <source>Add text…</source>
        <translation>添加文本…</translation>
    </message>
    <message>
        <source>Add a UTF-8 text file (or drop .txt files on the window).</source>
        <translation>添加一个 UTF-8 文本文件（也可以把 .txt 文件拖放到窗口上）。</translation>
    </message>
    <message>
        <source>How to read the workbench</source>
        <translation>如何解读工作台</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Perplexity&lt;/b&gt;: how surprised the model is by each next token, against how far into the text it is. Past the &lt;span style=&apos;color:#d95f02&apos;&gt;training length&lt;/span&gt; the grey curve climbs: the model fails on contexts longer than it was trained on.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectrum&lt;/b&gt;: every layer&apos;s memory times τ. Modes that remember longer than the training length make the state grow where the model never saw it grow (&lt;b&gt;State convergence&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Scaling&lt;/b&gt;: drag a fader to shorten those memories in one layer, or the &lt;b&gt;All&lt;/b&gt; fader for every layer; the blue curves follow within a second. &lt;b&gt;Calibrate…&lt;/b&gt; searches the factors for you.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;困惑度&lt;/b&gt;：模型对每个下一词元的意外程度，随其在文本中所处位置的变化。超过&lt;span style=&apos;color:#d95f02&apos;&gt;训练长度&lt;/span&gt;后灰色曲线上升：模型在比训练时更长的上下文上失效。&lt;/p&gt;&lt;p&gt;&lt;b&gt;谱&lt;/b&gt;：每一层的记忆时间 τ。记忆长于训练长度的模态，会让状态在模型从未见过的位置继续增长（&lt;b&gt;状态收敛&lt;/b&gt;）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;缩放&lt;/b&gt;：拖动某个推子可缩短该层的这些记忆，拖动&lt;b&gt;全部&lt;/b&gt;推子则作用于所有层；蓝色曲线在一秒之内随之更新。&lt;b&gt;校准…&lt;/b&gt;会替你搜索这些因子。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The model being studied and the texts it is run on. The evaluation text gives the curves; the ticked texts are what calibration may fit the scaling factors to.</source>
        <translation>正在研究的模型，以及在其上运行的文本。评估文本产生曲线；勾选的文本是校准拟合缩放因子时可以使用的文本。</translation>
    </message>
    <message numerus="yes">
        <source>Mamba-2, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-2，%n 层</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mamba-1, %n layer(s)</source>
        <translation>
            <numerusform>Mamba-1，%n 层</numerusform>
        </translation>
    </message>
    <message>
        <source>d_model %1 · d_inner %2 · d_state %3</source>
        <translation>d_model %1 · d_inner %2 · d_state %3</translation>
    </message>
    <message>
        <source>conv %1 · dt rank %2 · vocabulary %3</source>
        <translation>conv %1 · dt 秩 %2 · 词表 %3</translation>
    </message>
    <message>
        <source>%1 billion</source>
        <translation>%1 十亿</translation>
    </message>
    <message>
        <source>%1 million</source>
        <translation>%1 百万</translation>
    </message>
    <message>
        <source>%1 on disk, fp32 in memory%2</source>
        <translation>磁盘上为 %1，内存中为 fp32%2</translation>
    </message>
    <message>
        <source>, tied LM head</source>
        <translation>，LM 头与嵌入共享权重</translation>
    </message>
    <message>
        <source>GPT-NeoX (bundled; none beside the weights)</source>
        <translation>GPT-NeoX（随附；权重旁没有分词器）</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source> (bundled, public domain)</source>
        <translation>（随附，公有领域）</translation>
    </message>
    <message>
        <source>both (!)</source>
        <translation>两者 (!)</translation>
    </message>
    <message>
        <source>evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Calibration skips the evaluation text.</source>
        <translation>校准会跳过评估文本。</translation>
    </message>
    <message>
        <source>%1 heads × %2 · %3 group(s) · conv %4 · vocabulary %5</source>
        <translation>%1 个头 × %2 · %3 个组 · conv %4 · 词表 %5</translation>
    </message>
</context>
<context>
    <name>mscope::ModulationEditor</name>
    <message>
        <source>as loaded</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 per layer</source>
        <translation>%1（逐层）</translation>
    </message>
    <message>
        <source>%1, then %2</source>
        <translation>%1，然后 %2</translation>
    </message>
    <message>
        <source>Set layer %1 to %2</source>
        <translation>将第 %1 层设为 %2</translation>
    </message>
    <message>
        <source>Set all layers to %1</source>
        <translation>将所有层设为 %1</translation>
    </message>
    <message>
        <source>Switch to %1 scaling</source>
        <translation>切换到 %1 缩放</translation>
    </message>
    <message>
        <source>Reset scaling</source>
        <translation>重置缩放</translation>
    </message>
    <message>
        <source>the preset has %1 layer factors, the model has %2 layers</source>
        <translation>预设有 %1 个层因子，而模型有 %2 层</translation>
    </message>
</context>
<context>
    <name>mscope::PerplexityChart</name>
    <message>
        <source>Position in the text (tokens of context)</source>
        <translation>文本中的位置（上下文词元数）</translation>
    </message>
    <message>
        <source>beyond the training length</source>
        <translation>超出训练长度</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Perplexity of the next token against its position in the text, averaged over log-spaced position buckets. A curve that climbs past the training length (shaded) is the length-generalization failure; spectrum scaling flattens it.</source>
        <translation>下一个词元的困惑度随其在文本中位置的变化，在按对数间隔划分的位置区间内取平均。超过训练长度（阴影区域）后上升的曲线就是长度泛化失败；谱缩放可以把它压平。</translation>
    </message>
    <message>
        <source> Grey: the model as loaded. Blue: the current scaling, recomputed each time a slider moves. Pinned curves keep earlier settings for comparison.</source>
        <translation>灰色：原始模型。蓝色：当前缩放，每次移动滑块都会重新计算。保留的曲线记录之前的设置，便于比较。</translation>
    </message>
    <message>
        <source>Perplexity (log scale)</source>
        <translation>困惑度（对数刻度）</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>current scaling</source>
        <translation>当前缩放</translation>
    </message>
    <message>
        <source>%1 (computing…)</source>
        <translation>%1（计算中…）</translation>
    </message>
    <message>
        <source>Perplexity against context length</source>
        <translation>困惑度随上下文长度的变化</translation>
    </message>
    <message>
        <source> · legend: perplexity at %1–%2</source>
        <translation> · 图例：%1–%2 处的困惑度</translation>
    </message>
    <message>
        <source>Position in %1 (tokens of context; %2)</source>
        <translation>%1 中的位置（上下文词元数；%2）</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>目标 %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;positions %2–%3&lt;br&gt;perplexity %4 (%5 tokens)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;位置 %2–%3&lt;br&gt;困惑度 %4（%5 个词元）</translation>
    </message>
</context>
<context>
    <name>mscope::PerplexityPanel</name>
    <message>
        <source>Streaming (one pass, state carried)</source>
        <translation>流式（单次遍历，状态延续）</translation>
    </message>
    <message>
        <source>Fixed windows (fresh state each)</source>
        <translation>固定窗口（每个窗口重置状态）</translation>
    </message>
    <message>
        <source>Streaming: one pass over the text with the state carried along, perplexity per position. Fixed windows: the paper&apos;s protocol, the text cut into windows that each start from an empty state, averaged.</source>
        <translation>流式：对文本做一次遍历，状态一路延续，逐位置计算困惑度。固定窗口：论文的评测方式，把文本切成若干窗口，每个窗口都从空状态开始，再取平均。</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source>Window length of the fixed-window protocol.</source>
        <translation>固定窗口评测方式的窗口长度。</translation>
    </message>
    <message>
        <source>Protocol: </source>
        <translation>评测方式：</translation>
    </message>
</context>
<context>
    <name>mscope::ScalingPanel</name>
    <message>
        <source>Power  α&apos; = α^s</source>
        <translation>幂  α&apos; = α^s</translation>
    </message>
    <message>
        <source>Linear  α&apos; = s·α</source>
        <translation>线性  α&apos; = s·α</translation>
    </message>
    <message>
        <source>Δ scaling  Δ&apos; = s·Δ</source>
        <translation>Δ 缩放  Δ&apos; = s·Δ</translation>
    </message>
    <message>
        <source>Winsorize λ at q</source>
        <translation>在 q 处对 λ 缩尾</translation>
    </message>
    <message>
        <source>Cap τ at c·L_train</source>
        <translation>将 τ 上限设为 c·L_train</translation>
    </message>
    <message>
        <source>&amp;Family:</source>
        <translation>缩放方式(&amp;F)：</translation>
    </message>
    <message>
        <source>How the sliders change each layer&apos;s state transition.</source>
        <translation>滑块如何改变每一层的状态转移。</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Master fader: sets every layer to the same factor.</source>
        <translation>总推子：把所有层设为同一个因子。</translation>
    </message>
    <message>
        <source>Scaling console: one fader per layer sets how strongly that layer&apos;s spectrum is rescaled; the master fader sets them all. The curves recompute as you move.</source>
        <translation>缩放控制台：每层一个推子，设定该层谱的缩放强度；总推子一次设定所有层。移动推子时曲线会重新计算。</translation>
    </message>
    <message>
        <source> Type exact values under the faders; Undo/Redo step through every change; Calibrate searches the factors automatically.</source>
        <translation>可以在推子下方输入精确数值；撤销/重做可逐步回溯每一次更改；校准会自动搜索因子。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>加载…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Calibrate…</source>
        <translation>校准…</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>All (mixed)</source>
        <translation>全部（不一）</translation>
    </message>
    <message>
        <source>Also applied, from the loaded preset (the faders act on top): %1. Reset removes it.</source>
        <translation>同时应用已加载预设中的：%1（推子在其基础上起作用）。重置会移除它。</translation>
    </message>
</context>
<context>
    <name>mscope::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>所有核心（%1）</translation>
    </message>
    <message>
        <source>Threads of the forward pass (OpenMP and OpenBLAS).</source>
        <translation>前向计算的线程数（OpenMP 和 OpenBLAS）。</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 词元</translation>
    </message>
    <message>
        <source>Tokens per chunk of the forward pass; the curves update once per chunk. Larger chunks are a little faster, smaller ones update sooner.</source>
        <translation>前向计算每个分块的词元数；每算完一个分块，曲线更新一次。分块越大速度略快，越小则更新越及时。</translation>
    </message>
    <message>
        <source>How much of the evaluation text the live curves use: the longest context they show.</source>
        <translation>实时曲线使用多少评估文本，即曲线所显示的最长上下文。</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>Memory for the layer inputs the live curve keeps, so that moving one layer&apos;s slider recomputes only from that layer on. 0 turns it off.</source>
        <translation>实时曲线缓存各层输入所用的内存，这样移动某一层的滑块时只需从该层开始重新计算。0 表示关闭。</translation>
    </message>
    <message>
        <source>Start each fixed window with the BOS token (the paper&apos;s protocol)</source>
        <translation>每个固定窗口都以 BOS 词元开头（论文的评测方式）</translation>
    </message>
    <message>
        <source>Engine &amp;threads:</source>
        <translation>引擎线程数(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Chunk size:</source>
        <translation>分块大小(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Max tokens:</source>
        <translation>最大词元数(&amp;M)：</translation>
    </message>
    <message>
        <source>Layer &amp;cache:</source>
        <translation>层缓存(&amp;L)：</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumDensity</name>
    <message>
        <source>memory τ (tokens)</source>
        <translation>记忆长度 τ（词元）</translation>
    </message>
    <message>
        <source>decay rate α</source>
        <translation>衰减率 α</translation>
    </message>
    <message>
        <source>eigenvalue λ = exp(−α)</source>
        <translation>特征值 λ = exp(−α)</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumHeatmap</name>
    <message>
        <source>Each row is a layer; across, the memory τ of its modes (how many tokens a mode remembers) on a log axis; darker = more modes. Modes right of the training length remember longer than anything seen in training.</source>
        <translation>每一行是一层；横向是该层各模态的记忆长度 τ（一个模态能记住多少词元），采用对数坐标；颜色越深表示模态越多。位于训练长度右侧的模态，记忆比训练中见过的任何长度都长。</translation>
    </message>
    <message>
        <source> With a scaling, the upper half of a row is the model as loaded (grey), the lower half the scaled model (blue). The column on the right gives the share of modes beyond the training length. Click a row to see that layer in detail.</source>
        <translation>有缩放时，每行上半部分是原始模型（灰色），下半部分是缩放后的模型（蓝色）。右侧一列给出超出训练长度的模态所占比例。点击某一行可查看该层的详情。</translation>
    </message>
    <message>
        <source>Spectrum per layer</source>
        <translation>各层的谱</translation>
    </message>
    <message>
        <source>Spectrum per layer — %1%2</source>
        <translation>各层的谱 — %1%2</translation>
    </message>
    <message>
        <source>, log scale</source>
        <translation>，对数刻度</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>目标 %1</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>τ &gt; train</source>
        <translation>τ &gt; 训练</translation>
    </message>
    <message>
        <source>upper half of each row: as loaded (grey) · lower half: scaled (blue) · darker = more modes</source>
        <translation>每行上半部分：原始（灰色）· 下半部分：缩放后（蓝色）· 颜色越深 = 模态越多</translation>
    </message>
    <message>
        <source>darker = more of the layer&apos;s modes</source>
        <translation>颜色越深 = 该层的模态越多</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer %1&lt;/b&gt;&lt;br&gt;%2 %3&lt;br&gt;as loaded: %4% of modes</source>
        <translation>&lt;b&gt;第 %1 层&lt;/b&gt;&lt;br&gt;%2 %3&lt;br&gt;原始：%4% 的模态</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: %1% of modes</source>
        <translation>&lt;br&gt;缩放后：%1% 的模态</translation>
    </message>
    <message>
        <source>&lt;br&gt;median as loaded: %1</source>
        <translation>&lt;br&gt;原始中位数：%1</translation>
    </message>
    <message>
        <source>, scaled: %1</source>
        <translation>，缩放后：%1</translation>
    </message>
</context>
<context>
    <name>mscope::SpectrumPanel</name>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source>Memory τ (tokens)</source>
        <translation>记忆长度 τ（词元）</translation>
    </message>
    <message>
        <source>Decay rate α</source>
        <translation>衰减率 α</translation>
    </message>
    <message>
        <source>Eigenvalue λ = exp(−α)</source>
        <translation>特征值 λ = exp(−α)</translation>
    </message>
    <message>
        <source>τ = 1/(Δ̄·α) is how many tokens a mode remembers (Δ̄: the mean step size measured on a calibration text); α and λ are the raw spectrum.</source>
        <translation>τ = 1/(Δ̄·α) 表示一个模态能记住多少个词元（Δ̄：在校准文本上测得的平均步长）；α 和 λ 是原始的谱。</translation>
    </message>
</context>
<context>
    <name>mscope::StateNormChart</name>
    <message>
        <source>Recurrent state size against position</source>
        <translation>循环状态大小随位置的变化</translation>
    </message>
    <message>
        <source>Tokens seen</source>
        <translation>已读词元数</translation>
    </message>
    <message>
        <source>State norm</source>
        <translation>状态范数</translation>
    </message>
    <message>
        <source>dashed: as loaded</source>
        <translation>虚线：原始</translation>
    </message>
    <message>
        <source>How large each layer&apos;s recurrent state grows as the model reads on (L2 over the state dimension; max or mean over channels). It levels off within the training length in a healthy layer; a state that keeps growing past it has left what the model saw in training.</source>
        <translation>随着模型不断读入，每一层的循环状态增长到多大（在状态维度上取 L2 范数；在通道上取最大值或平均值）。健康的层会在训练长度之内趋于平稳；超过训练长度后仍持续增长的状态，已经离开了模型在训练中见过的范围。</translation>
    </message>
    <message>
        <source> Dashed: the model as loaded. Solid: the current scaling. Choose the layers shown in the panel&apos;s Layers menu.</source>
        <translation>虚线：原始模型。实线：当前缩放。可在面板的“层”菜单中选择要显示的层。</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>training %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>目标 %1</translation>
    </message>
</context>
<context>
    <name>mscope::StatePanel</name>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Choose the layers drawn.</source>
        <translation>选择要绘制的层。</translation>
    </message>
    <message>
        <source>Largest channel</source>
        <translation>最大通道</translation>
    </message>
    <message>
        <source>Mean over channels</source>
        <translation>通道平均</translation>
    </message>
    <message>
        <source>Per channel the L2 norm over the state dimension, then the largest or the mean over a layer&apos;s channels.</source>
        <translation>对每个通道在状态维度上取 L2 范数，再取该层各通道中的最大值或平均值。</translation>
    </message>
    <message>
        <source>Norm:</source>
        <translation>范数：</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>所有层</translation>
    </message>
    <message>
        <source>No layer</source>
        <translation>不显示任何层</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
</context>
<context>
    <name>mscope::ViewExporter</name>
    <message>
        <source>cannot write: %1</source>
        <translation>无法写入：%1</translation>
    </message>
    <message>
        <source>cannot encode the PNG image</source>
        <translation>无法编码 PNG 图像</translation>
    </message>
    <message>
        <source>Exported from MambaScope</source>
        <translation>由 MambaScope 导出</translation>
    </message>
</context>
<context>
    <name>mscope::WorkbenchSession</name>
    <message>
        <source>Computing the baseline curve</source>
        <translation>正在计算基线曲线</translation>
    </message>
    <message>
        <source>Curve unchanged</source>
        <translation>曲线未变化</translation>
    </message>
    <message>
        <source>Recomputing the curve from layer %1</source>
        <translation>正在从第 %1 层起重新计算曲线</translation>
    </message>
    <message>
        <source>Recomputing the curve</source>
        <translation>正在重新计算曲线</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>Counting tokens</source>
        <translation>正在统计词元数</translation>
    </message>
    <message>
        <source>%1: %2 tokens is less than one window of %3; choose a shorter window</source>
        <translation>%1：%2 个词元不足一个长度为 %3 的窗口；请选择更短的窗口</translation>
    </message>
    <message>
        <source>streaming</source>
        <translation>流式</translation>
    </message>
    <message>
        <source>windows of %1</source>
        <translation>长度为 %1 的窗口</translation>
    </message>
    <message>
        <source>Measuring Δ on %1</source>
        <translation>正在 %1 上测量 Δ</translation>
    </message>
    <message>
        <source>Tick at least one calibration text other than the evaluation text in the Model &amp; texts panel.</source>
        <translation>请在“模型与文本”面板中至少勾选一个评估文本以外的校准文本。</translation>
    </message>
    <message>
        <source>Calibrating (%1)</source>
        <translation>正在校准（%1）</translation>
    </message>
    <message>
        <source>Baking %1</source>
        <translation>正在固化 %1</translation>
    </message>
    <message>
        <source>%1: not enough memory</source>
        <translation>%1：内存不足</translation>
    </message>
    <message>
        <source>Δ statistics on %1</source>
        <translation>%1 上的 Δ 统计</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
</context>
</TS>
