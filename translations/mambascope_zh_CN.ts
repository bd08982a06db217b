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
    <message>
        <source>mambascope: no interface language &quot;%1&quot;; available: %2. Using %3.</source>
        <translation>mambascope：没有界面语言“%1”；可用：%2。使用 %3。</translation>
    </message>
</context>
<context>
    <name>mscope::AboutDialog</name>
    <message>
        <source>About MambaScope</source>
        <translation>关于 MambaScope</translation>
    </message>
    <message>
        <source>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;A workbench for studying and fixing the length generalization of Mamba language models by &lt;b&gt;spectrum scaling&lt;/b&gt;: look at each layer&apos;s spectrum, rescale it, and watch perplexity against context length respond.&lt;/p&gt;&lt;p&gt;Method: Mamba Modulation: On the Length Generalization of Mamba (arXiv 2509.19633, NeurIPS 2025); Δ-scaling baseline from MambaExtend (ICLR 2025).&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MambaScope %1&lt;/h2&gt;&lt;p&gt;一个研究和修复 Mamba 语言模型长度泛化的工作台，方法是&lt;b&gt;谱缩放&lt;/b&gt;：查看每一层的谱，重新缩放它，观察困惑度随上下文长度的变化。&lt;/p&gt;&lt;p&gt;方法：Mamba Modulation: On the Length Generalization of Mamba（arXiv 2509.19633，NeurIPS 2025）；Δ 缩放基线来自 MambaExtend（ICLR 2025）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Where to start&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Help ▸ Guided Tour&lt;/b&gt; walks the five steps of the README on this window: the failure, the spectrum, one fader, calibration, baking.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Help ▸ User Guide&lt;/b&gt; (F1): every panel, menu and key%1.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Help ▸ What&apos;s This?&lt;/b&gt; (Shift+F1), then a click on a panel, says what it shows.&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h3&gt;从哪里开始&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;帮助 ▸ 引导教程&lt;/b&gt;在此窗口中走完 README 的五个步骤：失效、谱、一个推子、校准、固化。&lt;/li&gt;&lt;li&gt;&lt;b&gt;帮助 ▸ 用户指南&lt;/b&gt;（F1）：每个面板、菜单和按键%1。&lt;/li&gt;&lt;li&gt;&lt;b&gt;帮助 ▸ 这是什么？&lt;/b&gt;（Shift+F1），然后点击一个面板，说明它显示什么。&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <source> — &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;</source>
        <translation> — &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;This program&lt;/h3&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%1 (built with %2)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;OpenBLAS kernels&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Processor threads&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Demo model&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Settings&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;h3&gt;本程序&lt;/h3&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%1（构建于 %2）&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;OpenBLAS 内核&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;处理器线程&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;演示模型&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;设置&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Licences&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; and its demo model: GNU General Public License, version 3 or later (GPL-3.0-or-later). No warranty.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %1&lt;/b&gt; (Widgets, Charts, SVG): The Qt Company, used under the GNU (L)GPL version 3.&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B tokenizer&lt;/b&gt; (tokenizer.json): EleutherAI, Apache License 2.0.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Demo texts&lt;/b&gt;: Project Gutenberg books by Austen, Melville, Shelley and Stoker, public domain in the USA.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;: Mozilla Public License 2.0. &lt;b&gt;OpenBLAS&lt;/b&gt;: BSD 3-Clause licence.&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;h3&gt;许可证&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;MambaScope&lt;/b&gt; 及其演示模型：GNU 通用公共许可证第 3 版或更高版本（GPL-3.0-or-later）。不提供任何担保。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Qt %1&lt;/b&gt;（Widgets、Charts、SVG）：The Qt Company，依 GNU (L)GPL 第 3 版使用。&lt;/li&gt;&lt;li&gt;&lt;b&gt;GPT-NeoX-20B 分词器&lt;/b&gt;（tokenizer.json）：EleutherAI，Apache 许可证 2.0。&lt;/li&gt;&lt;li&gt;&lt;b&gt;演示文本&lt;/b&gt;：古腾堡计划中 Austen、Melville、Shelley 和 Stoker 的书籍，在美国属于公有领域。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eigen&lt;/b&gt;：Mozilla 公共许可证 2.0。&lt;b&gt;OpenBLAS&lt;/b&gt;：BSD 三条款许可证。&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
</context>
<context>
    <name>mscope::CalibrationDialog</name>
    <message>
        <source>Calibrate the scaling</source>
        <translation>校准缩放</translation>
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
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>, roughly %1 s at the current speed.</source>
        <translation>，按当前速度约需 %1 秒。</translation>
    </message>
    <message>
        <source>, roughly %1 min at the current speed.</source>
        <translation>，按当前速度约需 %1 分钟。</translation>
    </message>
    <message>
        <source>Chooses factors that minimize the objective at the target length on the calibration texts (never the evaluation text), starting from the current faders. The faders follow the best point found; Stop keeps it.</source>
        <translation>在校准文本上（绝不用评估文本）选择使目标长度处目标函数最小的因子，从当前推子出发。推子跟随找到的最佳点；停止时保留它。</translation>
    </message>
    <message>
        <source>Gradient (Adam, by backpropagation)</source>
        <translation>梯度（Adam，反向传播）</translation>
    </message>
    <message>
        <source>One factor per layer</source>
        <translation>每层一个因子</translation>
    </message>
    <message>
        <source>One factor per head</source>
        <translation>每个头一个因子</translation>
    </message>
    <message>
        <source>One factor per channel</source>
        <translation>每个通道一个因子</translation>
    </message>
    <message>
        <source>One factor per state (channel × state)</source>
        <translation>每个状态一个因子（通道 × 状态）</translation>
    </message>
    <message>
        <source>Finer than per layer needs the gradient method; the faders then show each layer&apos;s mean and the spectrum the real factors.</source>
        <translation>比每层更细的粒度需要梯度方法；推子随后显示每层的平均值，谱显示真实的因子。</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Retrieval (passkey key NLL)</source>
        <translation>检索（密钥的 NLL）</translation>
    </message>
    <message>
        <source>Mixed</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Perplexity: mean NLL of windows of the target length. Retrieval: mean NLL of the key in passkey prompts of the target length made from the calibration texts. Retrieval and mixed need the gradient method.</source>
        <translation>困惑度：目标长度窗口的平均 NLL。检索：由校准文本构成的目标长度密钥提示中密钥的平均 NLL。检索和混合需要梯度方法。</translation>
    </message>
    <message>
        <source>Retrieval weight W: J = (1 − W)·perplexity NLL + W·key NLL</source>
        <translation>检索权重 W：J = (1 − W)·困惑度 NLL + W·密钥 NLL</translation>
    </message>
    <message>
        <source>Passkey prompts for a retrieval objective, and for the held-out report at the end</source>
        <translation>用于检索目标以及最后留出文本报告的密钥提示</translation>
    </message>
    <message>
        <source>&amp;Granularity:</source>
        <translation>粒度(&amp;G)：</translation>
    </message>
    <message>
        <source>&amp;Objective:</source>
        <translation>目标(&amp;O)：</translation>
    </message>
    <message>
        <source>Retrieval &amp;weight:</source>
        <translation>检索权重(&amp;W)：</translation>
    </message>
    <message>
        <source>Passkey &amp;prompts:</source>
        <translation>密钥提示(&amp;P)：</translation>
    </message>
    <message>
        <source>Forward passes of the target length over the whole search (SPSA and coordinate search get the same budget so they compare).</source>
        <translation>整个搜索中目标长度的前向传播次数（SPSA 和坐标搜索获得相同预算以便比较）。</translation>
    </message>
    <message>
        <source>Adam&apos;s learning rate (the paper sweeps 1e-4 … 1e-1)</source>
        <translation>Adam 的学习率（论文扫描 1e-4 … 1e-1）</translation>
    </message>
    <message>
        <source>Adam steps: one gradient of every window per step</source>
        <translation>Adam 步数：每步对每个窗口求一次梯度</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Windows of the target length per evaluation; automatic takes budget / (1 + 3 × SPSA iterations), at least 1</source>
        <translation>每次评估的目标长度窗口数；自动取 预算 / (1 + 3 × SPSA 迭代次数)，至少为 1</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>学习率(&amp;L)：</translation>
    </message>
    <message>
        <source>S&amp;teps:</source>
        <translation>步数(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Windows:</source>
        <translation>窗口(&amp;W)：</translation>
    </message>
    <message>
        <source>Calibration texts: %1</source>
        <translation>校准文本：%1</translation>
    </message>
    <message>
        <source>Objective per evaluation</source>
        <translation>每次评估的目标函数</translation>
    </message>
    <message>
        <source>evaluated</source>
        <translation>已评估</translation>
    </message>
    <message>
        <source>best so far</source>
        <translation>目前最佳</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>目标函数</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Held-out test not run: %1</source>
        <translation>未运行留出测试：%1</translation>
    </message>
    <message>
        <source>Starts from the current faders: %1.</source>
        <translation>从当前推子开始：%1。</translation>
    </message>
    <message>
        <source>About %1 million token passes through the model</source>
        <translation>约 %1 百万次词元通过模型</translation>
    </message>
    <message>
        <source>Preparing the calibration texts…</source>
        <translation>正在准备校准文本…</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Evaluation %1 (%2 of %3 passes) · %4 · %5 %6 · best %7</source>
        <translation>评估 %1（%3 次中的第 %2 次传播）· %4 · %5 %6 · 最佳 %7</translation>
    </message>
    <message>
        <source>Stopped after %1 evaluations; the faders keep the best point found.</source>
        <translation>在 %1 次评估后停止；推子保留找到的最佳点。</translation>
    </message>
    <message>
        <source>Done after %1 evaluations; the faders hold the result.</source>
        <translation>在 %1 次评估后完成；推子为结果。</translation>
    </message>
    <message>
        <source>Testing on the texts not used for calibration…</source>
        <translation>正在未用于校准的文本上测试…</translation>
    </message>
    <message>
        <source>Calibration failed: %1</source>
        <translation>校准失败：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;On texts not used for calibration&lt;/b&gt; (%1):&lt;br&gt;perplexity in windows of %2 tokens (%3 windows): %4 → %5&lt;br&gt;passkey accuracy at %2 tokens (%6 prompts): %7% → %8% · key NLL %9 → %10</source>
        <translation>&lt;b&gt;在未用于校准的文本上&lt;/b&gt;（%1）：&lt;br&gt;%2 词元窗口中的困惑度（%3 个窗口）：%4 → %5&lt;br&gt;%2 词元处的密钥准确率（%6 个提示）：%7% → %8% · 密钥 NLL %9 → %10</translation>
    </message>
</context>
<context>
    <name>mscope::ComparePanel</name>
    <message>
        <source>Sweep the All Factor</source>
        <translation>扫描“全部”因子</translation>
    </message>
    <message>
        <source>One pass over the evaluation text per factor (every layer at that factor of the current family): perplexity at the training and the target length</source>
        <translation>每个因子在评估文本上一次传播（每层都取当前族的该因子）：训练长度和目标长度处的困惑度</translation>
    </message>
    <message>
        <source>Compare on All Test Texts</source>
        <translation>在所有测试文本上比较</translation>
    </message>
    <message>
        <source>The baseline and the current scaling on every text not ticked for calibration: mean and range over the texts</source>
        <translation>在每个未勾选用于校准的文本上比较基线和当前缩放：文本间的均值和范围</translation>
    </message>
    <message>
        <source>Nothing computed yet: these take several passes, so they run when asked.</source>
        <translation>尚未计算：这些需要多次传播，因此按需运行。</translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>因子扫描</translation>
    </message>
    <message>
        <source>Several texts</source>
        <translation>多个文本</translation>
    </message>
</context>
<context>
    <name>mscope::DivergingHeatmap</name>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>%1 · blue: %2 · red: %3 · saturates at the 99th percentile of |value|</source>
        <translation>%1 · 蓝：%2 · 红：%3 · 在 |值| 的第 99 百分位饱和</translation>
    </message>
    <message>
        <source>labels: one %1 in %2 · </source>
        <translation>标签：每 %2 个%1标一个 · </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 %2, %3 %4&lt;/b&gt;&lt;br&gt;%5 = %6</source>
        <translation>&lt;b&gt;%1 %2，%3 %4&lt;/b&gt;&lt;br&gt;%5 = %6</translation>
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
    <message>
        <source>Keys: ↑/↓ (or the wheel) ×%1 or ÷%1, Page Up/Down ×%2 or ÷%2, Home/End the ends; or type a value in the box below.</source>
        <translation>按键：↑/↓（或滚轮）×%1 或 ÷%1，Page Up/Down ×%2 或 ÷%2，Home/End 到两端；或在下方框中输入数值。</translation>
    </message>
    <message>
        <source>Keys: ↑/↓ (or the wheel) ±%1, Page Up/Down ±%2, Home/End the ends; or type a value in the box below.</source>
        <translation>按键：↑/↓（或滚轮）±%1，Page Up/Down ±%2，Home/End 到两端；或在下方框中输入数值。</translation>
    </message>
</context>
<context>
    <name>mscope::FactorSweepChart</name>
    <message>
        <source>Factor sweep: perplexity at the training and target lengths</source>
        <translation>因子扫描：训练长度和目标长度处的困惑度</translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>因子扫描</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>All factor</source>
        <translation>“全部”因子</translation>
    </message>
    <message>
        <source>factor</source>
        <translation>因子</translation>
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
        <source>Each point is one pass over the evaluation text with every layer at that factor: orange, perplexity over the octave ending at the training length; green, at the target length. The trade-off of the master fader in one plot.</source>
        <translation>每个点是在评估文本上每层都取该因子的一次传播：橙色，截止于训练长度的八度内的困惑度；绿色，目标长度处的困惑度。主推子的权衡尽在一图。</translation>
    </message>
    <message>
        <source>at the training length (%1)</source>
        <translation>在训练长度（%1）</translation>
    </message>
    <message>
        <source>at the target length (%1)</source>
        <translation>在目标长度（%1）</translation>
    </message>
    <message>
        <source>Factor sweep: %1</source>
        <translation>因子扫描：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;All = %1&lt;/b&gt;&lt;br&gt;at the training length: %2&lt;br&gt;at the target length: %3</source>
        <translation>&lt;b&gt;全部 = %1&lt;/b&gt;&lt;br&gt;在训练长度：%2&lt;br&gt;在目标长度：%3</translation>
    </message>
    <message>
        <source>ppl</source>
        <translation>困惑度</translation>
    </message>
</context>
<context>
    <name>mscope::GenerationPanel</name>
    <message>
        <source>Type a prompt, or start from the first tokens of a text</source>
        <translation>输入提示，或从某个文本的前若干词元开始</translation>
    </message>
    <message>
        <source>first </source>
        <translation>前 </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Type a prompt…</source>
        <translation>输入提示…</translation>
    </message>
    <message>
        <source>Once upon a time</source>
        <translation>从前有一天</translation>
    </message>
    <message>
        <source>Greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>Always the most likely token (temperature, top-k and top-p unused)</source>
        <translation>总是选最可能的词元（不使用温度、top-k 和 top-p）</translation>
    </message>
    <message>
        <source>T </source>
        <translation>T </translation>
    </message>
    <message>
        <source>top-k </source>
        <translation>top-k </translation>
    </message>
    <message>
        <source>Keep the k most likely tokens (0 keeps all)</source>
        <translation>保留最可能的 k 个词元（0 保留全部）</translation>
    </message>
    <message>
        <source>top-p </source>
        <translation>top-p </translation>
    </message>
    <message>
        <source>seed </source>
        <translation>种子 </translation>
    </message>
    <message>
        <source> new tokens</source>
        <translation> 个新词元</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>As loaded</source>
        <translation>加载时</translation>
    </message>
    <message>
        <source>Under the faders</source>
        <translation>推子下</translation>
    </message>
    <message>
        <source>What the model says after a prompt, as loaded (left) and under the current faders (right), token by token as it is made. Each token&apos;s background is the probability the model gave it: green sure, red unsure. Rest the pointer on a token to read its probability.</source>
        <translation>模型在提示之后说了什么：加载时（左）和当前推子下（右），逐个词元实时生成。每个词元的背景是模型赋予它的概率：绿色确定，红色不确定。将指针停在词元上可读取其概率。</translation>
    </message>
    <message>
        <source>Type a prompt or choose a text, then Generate.</source>
        <translation>输入提示或选择一个文本，然后点击生成。</translation>
    </message>
    <message>
        <source>Under the faders: %1</source>
        <translation>推子下：%1</translation>
    </message>
    <message>
        <source>Open a model to generate text.</source>
        <translation>打开一个模型以生成文本。</translation>
    </message>
    <message>
        <source>Typed prompt</source>
        <translation>输入的提示</translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation>请先打开一个模型。</translation>
    </message>
    <message>
        <source>The prompt is empty.</source>
        <translation>提示为空。</translation>
    </message>
    <message>
        <source>%1 is not counted yet; try again in a moment.</source>
        <translation>%1 尚未计数；请稍后再试。</translation>
    </message>
    <message>
        <source>Under the faders (as loaded)</source>
        <translation>推子下（即加载时）</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>正在生成</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Not generated: %1</source>
        <translation>未生成：%1</translation>
    </message>
    <message numerus="yes">
        <source>Generating after %n prompt token(s)…</source>
        <translation>
            <numerusform>在 %n 个提示词元之后生成…</numerusform>
        </translation>
    </message>
    <message>
        <source>p = %1</source>
        <translation>p = %1</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), %1 tokens/s, prefill %2 ms, first token shown %3 ms after it</source>
        <translation>
            <numerusform>%n 个词元，%1 词元/秒，预填充 %2 毫秒，之后 %3 毫秒显示第一个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>As loaded: %1. Under the faders: %2.</source>
        <translation>加载时：%1。推子下：%2。</translation>
    </message>
    <message>
        <source> Stopped.</source>
        <translation> 已停止。</translation>
    </message>
</context>
<context>
    <name>mscope::GuidedTour</name>
    <message>
        <source>Close the tour</source>
        <translation>关闭教程</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Show Me</source>
        <translation>演示给我看</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>✓ What the window shows now: %1</source>
        <translation>✓ 窗口现在显示的内容：%1</translation>
    </message>
    <message>
        <source>… %1</source>
        <translation>… %1</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>1 of 5 · See the failure</source>
        <translation>第 1 步，共 5 步 · 看到失效</translation>
    </message>
    <message>
        <source>2 of 5 · Look at the spectrum</source>
        <translation>第 2 步，共 5 步 · 查看谱</translation>
    </message>
    <message>
        <source>3 of 5 · Fix it with one fader</source>
        <translation>第 3 步，共 5 步 · 用一个推子修复</translation>
    </message>
    <message>
        <source>4 of 5 · Calibrate</source>
        <translation>第 4 步，共 5 步 · 校准</translation>
    </message>
    <message>
        <source>5 of 5 · Bake</source>
        <translation>第 5 步，共 5 步 · 固化</translation>
    </message>
    <message>
        <source>The grey curve in &lt;i&gt;Perplexity vs Context Length&lt;/i&gt; is the model as loaded. Past the orange &lt;i&gt;training %1&lt;/i&gt; line (the shaded area) it climbs: the model fails on contexts longer than it was trained on.</source>
        <translation>&lt;i&gt;困惑度与上下文长度&lt;/i&gt;中的灰色曲线是加载时的模型。越过橙色的&lt;i&gt;训练 %1&lt;/i&gt; 线（阴影区域）后它上升：模型在比训练时更长的上下文上失效。</translation>
    </message>
    <message>
        <source>&lt;i&gt;Spectrum&lt;/i&gt; shows every layer&apos;s memory times τ = 1/(Δ̄·α). Modes right of the orange line remember longer than anything seen in training (the column &lt;i&gt;τ &amp;gt; train&lt;/i&gt; gives their share), and &lt;i&gt;State Convergence&lt;/i&gt; shows the states growing past %1 tokens.</source>
        <translation>&lt;i&gt;谱&lt;/i&gt;显示每一层的记忆时间 τ = 1/(Δ̄·α)。橙线右侧的模式记忆比训练中见过的任何长度都长（&lt;i&gt;τ &amp;gt; 训练&lt;/i&gt;列给出其占比），&lt;i&gt;状态收敛&lt;/i&gt;显示状态在 %1 个词元之后增长。</translation>
    </message>
    <message>
        <source>Drag the &lt;b&gt;All&lt;/b&gt; fader in &lt;i&gt;Scaling&lt;/i&gt; (power family) to %1, or press &lt;i&gt;Show Me&lt;/i&gt;. The blue curve recomputes within seconds, from the first changed layer only.</source>
        <translation>将&lt;i&gt;缩放&lt;/i&gt;中的&lt;b&gt;全部&lt;/b&gt;推子（幂族）拖到 %1，或按&lt;i&gt;演示给我看&lt;/i&gt;。蓝色曲线在几秒内重新计算，只从第一个改变的层开始。</translation>
    </message>
    <message>
        <source>&lt;i&gt;Calibrate…&lt;/i&gt; (Ctrl+K) starts from the current faders and searches factors (SPSA or coordinate search per layer, or Adam per layer, channel or state) on the ticked calibration texts, never on the evaluation text; it plots the objective, moves the faders as it improves, &lt;i&gt;Stop&lt;/i&gt; keeps the best, and at the end it reports on the texts it did not see.</source>
        <translation>&lt;i&gt;校准…&lt;/i&gt;（Ctrl+K）从当前推子开始，在勾选的校准文本上（绝不在评估文本上）搜索因子（每层的 SPSA 或坐标搜索，或每层、每通道或每状态的 Adam）；它绘制目标函数，随改进移动推子，&lt;i&gt;停止&lt;/i&gt;保留最佳结果，最后报告它未见过的文本上的结果。</translation>
    </message>
    <message>
        <source>&lt;i&gt;File ▸ Bake Checkpoint…&lt;/i&gt; (Ctrl+B) writes a new model folder with the factors folded into &lt;code&gt;A_log&lt;/code&gt;: HuggingFace transformers loads it as an ordinary model.</source>
        <translation>&lt;i&gt;文件 ▸ 固化为检查点…&lt;/i&gt;（Ctrl+B）写出一个新的模型文件夹，因子折叠进 &lt;code&gt;A_log&lt;/code&gt;：HuggingFace transformers 将其作为普通模型加载。</translation>
    </message>
    <message>
        <source>baseline %1 up to %2 tokens, %3 over the last octave (%4–%5).</source>
        <translation>基线在 %2 个词元以内为 %1，在最后一个八度（%4–%5）为 %3。</translation>
    </message>
    <message>
        <source>the baseline is still being computed.</source>
        <translation>基线仍在计算中。</translation>
    </message>
    <message>
        <source>the spectrum in τ is still being measured.</source>
        <translation>τ 谱仍在测量中。</translation>
    </message>
    <message>
        <source>τ &gt; train in %1%–%2% of each layer&apos;s modes; the largest state of layer L%3 grows from %4 at %5 tokens to %6 at %7.</source>
        <translation>每层 %1%–%2% 的模式 τ &gt; 训练长度；L%3 层最大的状态从 %5 词元处的 %4 增长到 %7 处的 %6。</translation>
    </message>
    <message>
        <source>All is not at %1 yet.</source>
        <translation>“全部”尚未到 %1。</translation>
    </message>
    <message>
        <source>the blue curve is being computed.</source>
        <translation>蓝色曲线正在计算中。</translation>
    </message>
    <message>
        <source>blue %1 over the last octave instead of %2; %3 up to 1k tokens, %4 over %5–%6, %7 over %6–%8: level from there on.</source>
        <translation>蓝色曲线在最后一个八度为 %1 而不是 %2；1k 词元以内 %3，%5–%6 为 %4，%6–%8 为 %7：此后保持平稳。</translation>
    </message>
    <message>
        <source>no calibration text is ticked in Model &amp; Texts.</source>
        <translation>“模型与文本”中没有勾选校准文本。</translation>
    </message>
    <message>
        <source>Calibrate… is %1; it would fit %2 at %3 tokens.</source>
        <translation>校准…%1；它将为 %3 个词元拟合 %2。</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <source>Bake Checkpoint… is enabled for %1.</source>
        <translation>固化为检查点…已为 %1 启用。</translation>
    </message>
    <message>
        <source>there is nothing to bake yet (no scaling, or Δ scaling).</source>
        <translation>尚无可固化的内容（没有缩放，或为 Δ 缩放）。</translation>
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
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>▲ %1%</source>
        <translation>▲ %1%</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer %1&lt;/b&gt;, %2 %3&lt;br&gt;as loaded: %4% of modes</source>
        <translation>&lt;b&gt;第 %1 层&lt;/b&gt;，%2 %3&lt;br&gt;加载时：%4% 的模式</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: %1% of modes</source>
        <translation>&lt;br&gt;缩放后：%1% 的模式</translation>
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
        <source>Bake Checkpoint into a New Folder</source>
        <translation>将检查点固化到新文件夹</translation>
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
    <message>
        <source>Export as &amp;GGUF…</source>
        <translation>导出为 GGUF(&amp;G)…</translation>
    </message>
    <message>
        <source>Write one GGUF file that llama.cpp runs, the current scaling folded into A</source>
        <translation>写出一个 llama.cpp 可运行的 GGUF 文件，当前缩放折叠进 A</translation>
    </message>
    <message>
        <source>Perplexity &amp;Relative to Baseline</source>
        <translation>相对基线的困惑度(&amp;R)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+G</source>
        <translation>Ctrl+Shift+G</translation>
    </message>
    <message>
        <source>Every curve divided by the baseline, bucket by bucket (1 = no change)</source>
        <translation>每条曲线逐区间除以基线（1 = 无变化）</translation>
    </message>
    <message>
        <source>÷ baseline</source>
        <translation>÷ 基线</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+F</source>
        <translation>Ctrl+Shift+F</translation>
    </message>
    <message>
        <source>Larger fonts everywhere, for projectors</source>
        <translation>所有地方使用更大的字体，适合投影仪</translation>
    </message>
    <message>
        <source>Save Session &amp;Report…</source>
        <translation>保存会话报告(&amp;R)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>One HTML file with every chart, the settings and the numbers</source>
        <translation>一个包含所有图表、设置和数值的 HTML 文件</translation>
    </message>
    <message>
        <source>&amp;User Guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <source>Open the user guide</source>
        <translation>打开用户指南</translation>
    </message>
    <message>
        <source>Guided &amp;Tour</source>
        <translation>引导教程(&amp;T)</translation>
    </message>
    <message>
        <source>The five steps of the walkthrough, on this window</source>
        <translation>在此窗口中演示操作步骤的五个步骤</translation>
    </message>
    <message>
        <source>Show or hide the %1 panel</source>
        <translation>显示或隐藏 %1 面板</translation>
    </message>
    <message>
        <source>Alt+%1</source>
        <translation>Alt+%1</translation>
    </message>
    <message>
        <source>Comparisons</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>Sensitivity Heat Map</source>
        <translation>敏感度热图</translation>
    </message>
    <message>
        <source>Factor Sweep</source>
        <translation>因子扫描</translation>
    </message>
    <message>
        <source>Perplexity on Several Texts</source>
        <translation>多个文本上的困惑度</translation>
    </message>
    <message>
        <source>Retrieval, as Loaded</source>
        <translation>检索，加载时</translation>
    </message>
    <message>
        <source>Retrieval, under the Faders</source>
        <translation>检索，推子下</translation>
    </message>
    <message>
        <source>Presentation mode: larger fonts (Ctrl+Shift+F to leave)</source>
        <translation>演示模式：更大的字体（按 Ctrl+Shift+F 退出）</translation>
    </message>
    <message>
        <source>Presentation mode off</source>
        <translation>演示模式已关闭</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <source>The user guide (docs/user-guide.md) was not found beside the program. Set MAMBASCOPE_DOCS to the folder that holds it.</source>
        <translation>在程序旁边未找到用户指南（docs/user-guide.md）。请将 MAMBASCOPE_DOCS 设置为包含它的文件夹。</translation>
    </message>
    <message>
        <source>No program to open %1 was found; open it in a text editor or browser.</source>
        <translation>未找到可打开 %1 的程序；请在文本编辑器或浏览器中打开它。</translation>
    </message>
    <message numerus="yes">
        <source>Sweeping %1 over %n factor(s)…</source>
        <translation>
            <numerusform>正在对 %n 个因子扫描 %1…</numerusform>
        </translation>
    </message>
    <message>
        <source>Computing %1 and the baseline on the test texts…</source>
        <translation>正在测试文本上计算 %1 和基线…</translation>
    </message>
    <message>
        <source>%1: lowest at the target length with All = %2 (%3; %4 at the training length).</source>
        <translation>%1：“全部” = %2 时目标长度处最低（%3；训练长度处 %4）。</translation>
    </message>
    <message>
        <source>%1 against the model as loaded on %2.</source>
        <translation>%1，对比 %2 上加载时的模型。</translation>
    </message>
    <message>
        <source>Cannot compare</source>
        <translation>无法比较</translation>
    </message>
    <message>
        <source>Updating the curve for %1…</source>
        <translation>正在为 %1 更新曲线…</translation>
    </message>
    <message>
        <source>Needs a scaling that can be folded into A (not Δ scaling)</source>
        <translation>需要可以折叠进 A 的缩放（不是 Δ 缩放）</translation>
    </message>
    <message>
        <source>Calibrating: %1 of %2 forward passes · %3 · best %4 %5 (start %6)</source>
        <translation>正在校准：%2 次前向传播中的第 %1 次 · %3 · 最佳 %4 %5（起点 %6）</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Export as GGUF for llama.cpp</source>
        <translation>导出为供 llama.cpp 使用的 GGUF</translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation>GGUF 文件 (*.gguf)</translation>
    </message>
    <message>
        <source>Export as GGUF</source>
        <translation>导出为 GGUF</translation>
    </message>
    <message>
        <source>Storage of the matrices (f32 keeps every bit; f16, bf16 and q8_0 are smaller):</source>
        <translation>矩阵的存储类型（f32 保留每一位；f16、bf16 和 q8_0 更小）：</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Models (config.json *.safetensors *.gguf);;All files (*)</source>
        <translation>模型 (config.json *.safetensors *.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>streaming (one pass, state carried)</source>
        <translation>流式（一次传播，保持状态）</translation>
    </message>
    <message>
        <source>fixed windows of %1 tokens</source>
        <translation>%1 个词元的固定窗口</translation>
    </message>
    <message>
        <source>MambaScope %1 · model %2 (%3 layers) · evaluated on %4, first %5 tokens, %6 · training length %7, target length %8 · scaling: %9</source>
        <translation>MambaScope %1 · 模型 %2（%3 层）· 在 %4 上评估，前 %5 个词元，%6 · 训练长度 %7，目标长度 %8 · 缩放：%9</translation>
    </message>
    <message>
        <source> (factors per layer, L0 first: %1)</source>
        <translation>（每层因子，从 L0 开始：%1）</translation>
    </message>
    <message>
        <source> · calibration texts: %1</source>
        <translation> · 校准文本：%1</translation>
    </message>
    <message>
        <source> · pinned: %1</source>
        <translation> · 已固定：%1</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>MambaScope session report</source>
        <translation>MambaScope 会话报告</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Last octave</source>
        <translation>最后一个八度</translation>
    </message>
    <message>
        <source>%1–%2 tokens</source>
        <translation>%1–%2 个词元</translation>
    </message>
    <message>
        <source>Baseline (as loaded)</source>
        <translation>基线（加载时）</translation>
    </message>
    <message>
        <source>Current: %1</source>
        <translation>当前：%1</translation>
    </message>
    <message>
        <source>Perplexity against context length</source>
        <translation>困惑度与上下文长度</translation>
    </message>
    <message>
        <source>Spectrum per layer</source>
        <translation>每层的谱</translation>
    </message>
    <message>
        <source>Layer spectrum</source>
        <translation>层谱</translation>
    </message>
    <message>
        <source>State convergence</source>
        <translation>状态收敛</translation>
    </message>
    <message>
        <source>State norms</source>
        <translation>状态范数</translation>
    </message>
    <message>
        <source>Perplexity by position (CSV)</source>
        <translation>按位置的困惑度（CSV）</translation>
    </message>
    <message>
        <source>Report written to %1</source>
        <translation>报告已写入 %1</translation>
    </message>
    <message>
        <source>Save Session Report</source>
        <translation>保存会话报告</translation>
    </message>
    <message>
        <source>HTML files (*.html)</source>
        <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
        <source>Cannot write the report</source>
        <translation>无法写入报告</translation>
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
    <message>
        <source>&lt;p&gt;&lt;b&gt;Perplexity&lt;/b&gt;: how surprised the model is by each next token, against how far into the text it is. Past the &lt;span style=&apos;color:#d95f02&apos;&gt;training length&lt;/span&gt; the grey curve climbs: the model fails on contexts longer than it was trained on.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spectrum&lt;/b&gt;: every layer&apos;s memory times τ. Modes that remember longer than the training length make the state grow where the model never saw it grow (&lt;b&gt;State convergence&lt;/b&gt;).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Scaling&lt;/b&gt;: drag a fader to shorten those memories in one layer, or the &lt;b&gt;All&lt;/b&gt; fader for every layer; the blue curves follow within a second or two. &lt;b&gt;Calibrate…&lt;/b&gt; searches the factors for you.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;困惑度&lt;/b&gt;：模型对下一个词元的惊讶程度，随其在文本中的位置变化。越过&lt;span style=&apos;color:#d95f02&apos;&gt;训练长度&lt;/span&gt;后灰色曲线上升：模型在比训练时更长的上下文上失效。&lt;/p&gt;&lt;p&gt;&lt;b&gt;谱&lt;/b&gt;：每一层的记忆时间 τ。记忆比训练长度更长的模式会让状态在模型从未见过的地方增长（&lt;b&gt;状态收敛&lt;/b&gt;）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;缩放&lt;/b&gt;：拖动一个推子缩短某一层的这些记忆，或拖动&lt;b&gt;全部&lt;/b&gt;推子作用于每一层；蓝色曲线在一两秒内跟上。&lt;b&gt;校准…&lt;/b&gt;会为你搜索因子。&lt;/p&gt;</translation>
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
    <message>
        <source>%1 per channel, layer means %2–%3</source>
        <translation>%1 每通道，层均值 %2–%3</translation>
    </message>
    <message>
        <source>%1 per state, layer means %2–%3</source>
        <translation>%1 每状态，层均值 %2–%3</translation>
    </message>
    <message>
        <source>%1 per layer %2–%3</source>
        <translation>%1 每层 %2–%3</translation>
    </message>
</context>
<context>
    <name>mscope::PasskeyHeatmap</name>
    <message>
        <source>%1 tokens, depth %2 %: %3</source>
        <translation>%1 个词元，深度 %2 %：%3</translation>
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
        <source>Perplexity against context length</source>
        <translation>困惑度随上下文长度的变化</translation>
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
        <source>Perplexity of the next token against its position in the text, averaged over log-spaced position buckets. A curve that climbs past the training length (shaded) is the length-generalization failure; spectrum scaling flattens it. Grey: the model as loaded. Blue: the current scaling, recomputed each time a slider moves. Pinned curves keep earlier settings for comparison. Rest the pointer on the chart for the values under it; wheel zooms, drag pans, double-click resets.</source>
        <translation>下一个词元的困惑度随其在文本中位置的变化，在按对数间隔的位置区间上取平均。越过训练长度（阴影）后上升的曲线就是长度泛化失效；谱缩放使其变平。灰色：加载时的模型。蓝色：当前缩放，每次移动滑块都会重新计算。固定的曲线保留先前的设置以便比较。将指针停在图表上可查看其下的数值；滚轮缩放，拖动平移，双击复位。</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>baseline (as loaded)</source>
        <translation>基线（加载时）</translation>
    </message>
    <message>
        <source>now: %1 (updating…)</source>
        <translation>当前：%1（更新中…）</translation>
    </message>
    <message>
        <source>now: %1</source>
        <translation>当前：%1</translation>
    </message>
    <message>
        <source>Perplexity relative to the baseline</source>
        <translation>相对基线的困惑度</translation>
    </message>
    <message>
        <source>%1 · legend: perplexity at %2–%3</source>
        <translation>%1 · 图例：%2–%3 处的困惑度</translation>
    </message>
    <message>
        <source>Perplexity ÷ baseline</source>
        <translation>困惑度 ÷ 基线</translation>
    </message>
    <message>
        <source>Perplexity vs context</source>
        <translation>困惑度与上下文</translation>
    </message>
    <message>
        <source>Position in %1 (tokens)</source>
        <translation>在 %1 中的位置（词元）</translation>
    </message>
    <message>
        <source>Position (tokens)</source>
        <translation>位置（词元）</translation>
    </message>
    <message>
        <source>Perplexity ÷ baseline (log scale)</source>
        <translation>困惑度 ÷ 基线（对数刻度）</translation>
    </message>
    <message>
        <source>÷ baseline</source>
        <translation>÷ 基线</translation>
    </message>
    <message>
        <source>&lt;b&gt;positions %1–%2&lt;/b&gt; (%3 tokens)</source>
        <translation>&lt;b&gt;位置 %1–%2&lt;/b&gt;（%3 个词元）</translation>
    </message>
    <message>
        <source> (×%1)</source>
        <translation>（×%1）</translation>
    </message>
    <message>
        <source>current</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>&lt;br&gt;cursor: %1 tokens, %2 %3</source>
        <translation>&lt;br&gt;光标：%1 个词元，%2 %3</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>比值</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
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
        <source>Protocol:</source>
        <translation>协议：</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
</context>
<context>
    <name>mscope::RetrievalPanel</name>
    <message>
        <source>Prompt lengths in tokens, separated by commas</source>
        <translation>提示长度（词元），以逗号分隔</translation>
    </message>
    <message>
        <source>Random keys per cell (the same keys in every cell)</source>
        <translation>每格的随机密钥数（每格使用相同的密钥）</translation>
    </message>
    <message>
        <source>Key NLL</source>
        <translation>密钥 NLL</translation>
    </message>
    <message>
        <source>Show the mean NLL of the key&apos;s tokens (nats per token; smooth where accuracy is all or nothing) instead of the accuracy</source>
        <translation>显示密钥词元的平均 NLL（奈特/词元；在准确率非全即无时更平滑）而不是准确率</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Lengths:</source>
        <translation>长度：</translation>
    </message>
    <message>
        <source>Keys:</source>
        <translation>密钥：</translation>
    </message>
    <message>
        <source>As loaded</source>
        <translation>加载时</translation>
    </message>
    <message>
        <source>Under the faders</source>
        <translation>推子下</translation>
    </message>
    <message>
        <source>Passkey retrieval: a five-digit key hidden at a depth of a prompt of a given length, then asked for. Each cell is the fraction of keys the model repeats exactly (or the key&apos;s mean NLL), the model as loaded on the left and under the current faders on the right. Rest the pointer on a cell to see the prompt around the key and the answers.</source>
        <translation>密钥检索：一个五位数密钥藏在给定长度提示的某个深度处，然后被询问。每格是模型准确复述的密钥比例（或密钥的平均 NLL），左边是加载时的模型，右边是当前推子下的模型。将指针停在格子上可查看密钥周围的提示和回答。</translation>
    </message>
    <message>
        <source>Open a model to test passkey retrieval.</source>
        <translation>打开一个模型以测试密钥检索。</translation>
    </message>
    <message>
        <source>Passkey retrieval of %1: computed when this panel is shown.</source>
        <translation>%1 的密钥检索：在显示此面板时计算。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Under the faders (as loaded)</source>
        <translation>推子下（即加载时）</translation>
    </message>
    <message>
        <source>Under the faders: %1</source>
        <translation>推子下：%1</translation>
    </message>
    <message>
        <source>The faders are at the model as loaded: the same grid on both sides.</source>
        <translation>推子处于加载时的模型：两边是同一网格。</translation>
    </message>
    <message>
        <source>Passkey retrieval</source>
        <translation>密钥检索</translation>
    </message>
    <message>
        <source>Not computed: %1</source>
        <translation>未计算：%1</translation>
    </message>
    <message numerus="yes">
        <source>Computing %n key(s) per cell…</source>
        <translation>
            <numerusform>正在计算每格 %n 个密钥…</numerusform>
        </translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>尚未计算</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 tokens, key at %2 %&lt;/b&gt; — %3 of %4 right, key NLL %5</source>
        <translation>&lt;b&gt;%1 个词元，密钥位于 %2 %&lt;/b&gt; — %4 个中答对 %3 个，密钥 NLL %5</translation>
    </message>
    <message>
        <source>Token %1 of %2:</source>
        <translation>第 %1 个词元，共 %2 个：</translation>
    </message>
    <message>
        <source>%1 key %2: said “%3” (NLL %4)&lt;br&gt;</source>
        <translation>%1 密钥 %2：回答“%3”（NLL %4）&lt;br&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Mean accuracy over the grid: %1 as loaded, %2 under the faders (%3; %n key(s) per cell).</source>
        <translation>
            <numerusform>网格上的平均准确率：加载时 %1，推子下 %2（%3；每格 %n 个密钥）。</numerusform>
        </translation>
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
    <name>mscope::SensitivityMap</name>
    <message>
        <source>fewer than %1 tokens for a window</source>
        <translation>不足一个窗口的 %1 个词元</translation>
    </message>
</context>
<context>
    <name>mscope::SensitivityPanel</name>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Length of each window of the calibration text the objective is measured on (each from a fresh state): the gradient says what helps at this context length</source>
        <translation>在校准文本上测量目标函数的每个窗口的长度（每个都从新状态开始）：梯度说明在该上下文长度下什么有帮助</translation>
    </message>
    <message>
        <source>× </source>
        <translation>× </translation>
    </message>
    <message>
        <source>Number of windows, spread over the calibration text</source>
        <translation>窗口数量，分布在校准文本上</translation>
    </message>
    <message>
        <source>Decay rate α</source>
        <translation>衰减率 α</translation>
    </message>
    <message>
        <source>Step Δ</source>
        <translation>步长 Δ</translation>
    </message>
    <message>
        <source>Decay rate: dJ/d log α summed over the channel&apos;s states. Step: dJ/d log s for a multiplier s on the channel&apos;s Δ.</source>
        <translation>衰减率：对通道各状态求和的 dJ/d log α。步长：对通道 Δ 的乘数 s 的 dJ/d log s。</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>The gradient of the perplexity at the current faders, by backpropagation (about four forward passes&apos; worth of work)</source>
        <translation>当前推子处困惑度的梯度，通过反向传播（约四次前向传播的工作量）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>&amp;Window:</source>
        <translation>窗口(&amp;W)：</translation>
    </message>
    <message>
        <source>Sensitivity of perplexity per layer and channel</source>
        <translation>困惑度对每层和每通道的敏感度</translation>
    </message>
    <message>
        <source>Press Compute: the gradient of the perplexity on the calibration text, per layer and channel, at the current faders.</source>
        <translation>按“计算”：在当前推子处，校准文本上困惑度对每层和每通道的梯度。</translation>
    </message>
    <message>
        <source>Each row is a layer, each column a channel (a head in Mamba-2). Blue: the perplexity falls if that channel&apos;s modes decay faster (shorter memory); red: if they decay slower (longer memory). The value is the derivative of the mean negative log-likelihood J with respect to log α summed over the channel&apos;s states (or to the log of a multiplier on Δ).</source>
        <translation>每行是一层，每列是一个通道（Mamba-2 中为一个头）。蓝色：若该通道的模式衰减更快（记忆更短），困惑度下降；红色：若衰减更慢（记忆更长）。数值是平均负对数似然 J 对 log α（对通道各状态求和）的导数（或对 Δ 乘数的对数的导数）。</translation>
    </message>
    <message>
        <source>Tick a calibration text other than the evaluation text in the Model &amp; texts panel.</source>
        <translation>请在“模型与文本”面板中勾选评估文本以外的校准文本。</translation>
    </message>
    <message>
        <source>Sensitivity on %1</source>
        <translation>%1 上的敏感度</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Stopped; the map shows the last result.</source>
        <translation>已停止；图中显示最后的结果。</translation>
    </message>
    <message>
        <source>head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>L</source>
        <translation>L</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>dJ/d log α</source>
        <translation>dJ/d log α</translation>
    </message>
    <message>
        <source>J falls if these modes decay faster</source>
        <translation>若这些模式衰减更快，J 下降</translation>
    </message>
    <message>
        <source>J falls if they decay slower</source>
        <translation>若它们衰减更慢，J 下降</translation>
    </message>
    <message>
        <source>dJ/d log s_Δ</source>
        <translation>dJ/d log s_Δ</translation>
    </message>
    <message>
        <source>J falls with a larger step Δ</source>
        <translation>步长 Δ 更大时 J 下降</translation>
    </message>
    <message>
        <source>J falls with a smaller step Δ</source>
        <translation>步长 Δ 更小时 J 下降</translation>
    </message>
    <message>
        <source>Sensitivity of perplexity per layer and head</source>
        <translation>困惑度对每层和每个头的敏感度</translation>
    </message>
    <message>
        <source>Computing in the background (progress in the status bar)…</source>
        <translation>正在后台计算（进度见状态栏）…</translation>
    </message>
    <message>
        <source>J = %1 nats per token (perplexity %2) over %3 window(s) of %4 tokens of %5, at %6; %7 s.</source>
        <translation>J = %1 奈特/词元（困惑度 %2），基于 %5 的 %3 个 %4 词元窗口，在 %6；%7 秒。</translation>
    </message>
    <message>
        <source>The faders moved since: press Compute for the map at the new setting.</source>
        <translation>推子已移动：按“计算”获取新设置下的热图。</translation>
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
    <message>
        <source>Fixed-window protocol only. Off: each window starts with the text itself; on: with the BOS token first, as in the paper.</source>
        <translation>仅用于固定窗口协议。关闭：每个窗口从文本本身开始；开启：先放 BOS 词元，如论文中那样。</translation>
    </message>
    <message>
        <source>The curves are computed again with the new values when you press OK. The settings are kept for the next start.</source>
        <translation>按“确定”后，曲线将用新值重新计算。这些设置会保留到下次启动。</translation>
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
    <message>
        <source>Spectrum</source>
        <translation>谱</translation>
    </message>
    <message>
        <source>labels: one layer in %1 · </source>
        <translation>标签：每 %1 层标一层 · </translation>
    </message>
    <message>
        <source>1 in %1</source>
        <translation>每 %1 个一个</translation>
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
    <message>
        <source>State size against position</source>
        <translation>状态大小随位置的变化</translation>
    </message>
    <message>
        <source>State size</source>
        <translation>状态大小</translation>
    </message>
    <message>
        <source>State norm (log scale)</source>
        <translation>状态范数（对数刻度）</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
    <message>
        <source>&lt;b&gt;after %1 tokens&lt;/b&gt; (as loaded → scaled)</source>
        <translation>&lt;b&gt;%1 个词元之后&lt;/b&gt;（加载时 → 缩放后）</translation>
    </message>
    <message>
        <source>L%1: %2 → %3</source>
        <translation>L%1：%2 → %3</translation>
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
    <name>mscope::TextSpreadChart</name>
    <message>
        <source>as loaded: mean, band = lowest to highest text</source>
        <translation>加载时：均值，带 = 最低到最高文本</translation>
    </message>
    <message>
        <source>scaled</source>
        <translation>缩放后</translation>
    </message>
    <message>
        <source>Perplexity on several texts</source>
        <translation>多个文本上的困惑度</translation>
    </message>
    <message>
        <source>Several texts</source>
        <translation>多个文本</translation>
    </message>
    <message>
        <source>Position in each text (tokens of context)</source>
        <translation>在每个文本中的位置（上下文词元）</translation>
    </message>
    <message>
        <source>Position (tokens)</source>
        <translation>位置（词元）</translation>
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
        <source>The baseline and the current scaling on every text that is not used for calibration: per position bucket the mean over the texts (line) and the range from the lowest to the highest text (band).</source>
        <translation>在每个未用于校准的文本上比较基线和当前缩放：每个位置区间上文本间的均值（线）以及从最低到最高文本的范围（带）。</translation>
    </message>
    <message>
        <source>%1: mean and range</source>
        <translation>%1：均值和范围</translation>
    </message>
    <message numerus="yes">
        <source>Perplexity on %n texts: %1 against the model as loaded</source>
        <translation>
            <numerusform>%n 个文本上的困惑度：%1，对比加载时的模型</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Perplexity on %n texts</source>
        <translation>
            <numerusform>%n 个文本上的困惑度</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;positions %1–%2&lt;/b&gt;, %n text(s)</source>
        <translation>
            <numerusform>&lt;b&gt;位置 %1–%2&lt;/b&gt;，%n 个文本</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;br&gt;as loaded: mean %1 (%2–%3)</source>
        <translation>&lt;br&gt;加载时：均值 %1（%2–%3）</translation>
    </message>
    <message>
        <source>&lt;br&gt;scaled: mean %1 (%2–%3)</source>
        <translation>&lt;br&gt;缩放后：均值 %1（%2–%3）</translation>
    </message>
    <message>
        <source>ppl</source>
        <translation>困惑度</translation>
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
    <message>
        <source>unknown figure format: %1</source>
        <translation>未知的图形格式：%1</translation>
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
    <message numerus="yes">
        <source>Factor sweep (%n pass(es))</source>
        <translation>
            <numerusform>因子扫描（%n 次传播）</numerusform>
        </translation>
    </message>
    <message>
        <source>Factor sweep</source>
        <translation>因子扫描</translation>
    </message>
    <message>
        <source>%1 on %2, %3 tokens streamed</source>
        <translation>%2 上的 %1，流式处理 %3 个词元</translation>
    </message>
    <message numerus="yes">
        <source>Comparing on %n text(s)</source>
        <translation>
            <numerusform>在 %n 个文本上比较</numerusform>
        </translation>
    </message>
    <message>
        <source>Comparison on several texts</source>
        <translation>在多个文本上比较</translation>
    </message>
    <message>
        <source>No text is left out of the calibration to test it on.</source>
        <translation>没有留出任何文本来测试校准。</translation>
    </message>
    <message numerus="yes">
        <source>Testing the calibration on %n held-out text(s)</source>
        <translation>
            <numerusform>在 %n 个留出文本上测试校准</numerusform>
        </translation>
    </message>
    <message>
        <source>Held-out test of the calibration</source>
        <translation>校准的留出测试</translation>
    </message>
    <message>
        <source>Exporting %1</source>
        <translation>正在导出 %1</translation>
    </message>
</context>
</TS>
