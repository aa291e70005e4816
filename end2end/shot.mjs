import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
for (const [url, file] of [['/', 'home'], ['/ajuda/busca?q=webook+nao+recebe', 'search'], ['/ajuda/redefinir-senha', 'article'], ['/ajuda/busca?q=vagas+de+emprego', 'none']]) {
  await page.goto('http://127.0.0.1:3300' + url);
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/e2e/${file}.png`, fullPage: false });
}
await browser.close();
